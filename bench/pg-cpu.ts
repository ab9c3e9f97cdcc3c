// PostgreSQL's own CPU time (the benches' "pg cpu/req"): the postmaster and all its processes
// (backends, autovacuum, background writer) as Linux /proc counts them, when the server runs on
// this machine. Beside the dashboard's own CPU it gives what a request costs in total, a figure
// the machine's load moves far less than latency.
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { processCpuMs } from './http-load.js';

/** The parent pid in /proc/<pid>/stat, undefined when unreadable. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** utime + stime + cutime + cstime of a process (ms, 100 ticks a second): its own CPU and its waited-for children's. */
function reapedCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * 10;
  } catch {
    return undefined;
  }
}

/**
 * A meter of the server's CPU (ms: the postmaster, its children alive at the call and those it has reaped). Undefined when the server is not a local process we can read
 * (another machine, a container, no /proc).
 */
export async function postgresCpuMeter(url: string): Promise<(() => number | undefined) | undefined> {
  const postmaster = await postmasterOf(url);
  if (postmaster === undefined || reapedCpuMs(postmaster) === undefined) return undefined;
  return () => {
    // The postmaster's own time and that of its exited children (parallel workers, closed
    // connections), then the children alive now.
    let total = reapedCpuMs(postmaster);
    if (total === undefined) return undefined;
    for (const entry of readdirSync('/proc')) {
      const pid = Number(entry);
      if (!Number.isInteger(pid) || parentOf(pid) !== postmaster) continue;
      total += processCpuMs(pid) ?? 0;
    }
    return total;
  };
}

/** The server's postmaster pid, when it runs on this machine (undefined elsewhere). */
async function postmasterOf(url: string): Promise<number | undefined> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Read while the backend is alive: its parent is the postmaster.
    return parentOf(Number((await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid));
  } finally {
    await client.end();
  }
}

/**
 * Whether the server's shared memory is on huge pages (the postmaster's HugetlbPages), as text for a
 * bench's header: its CPU per cache miss is about twice as high without them on the bench machine,
 * where a backend's first touch of each 4 KB page of the shared buffers is costly (docs/dashboard.md).
 */
export async function postgresHugePages(url: string): Promise<string> {
  const postmaster = await postmasterOf(url);
  try {
    const kb = /^HugetlbPages:\s+(\d+) kB/m.exec(readFileSync(`/proc/${postmaster}/status`, 'utf8'))?.[1];
    if (kb === undefined) return 'shared memory on huge pages: unknown';
    return Number(kb) > 0 ? `shared memory on huge pages (${kb} kB mapped by the postmaster)` : 'shared memory on normal pages (no huge pages)';
  } catch {
    return 'shared memory on huge pages: unknown (not a local server)';
  }
}
