// Shared by the dashboard benches: a dashboard server in a child process, and a load generator of
// N keep-alive connections reporting p50/p99 (printed by the benches, never asserted).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';

export const ADMIN = 'bench-admin-token-0123456789abcdef';
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

export interface Server {
  base: string;
  /** The server process's CPU time so far (user + system, ms; Linux /proc), undefined elsewhere. */
  cpuMs(): number | undefined;
  stop(): Promise<void>;
}

/** CPU time of a process from /proc/<pid>/stat (utime + stime, at the usual 100 ticks a second). */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** Waits until the server uses (almost) no CPU for a second: its background work is done. */
export async function waitQuiet(server: Server, maxSeconds: number): Promise<number> {
  const t0 = Date.now();
  let last = server.cpuMs();
  if (last === undefined) return 0;
  while (Date.now() - t0 < maxSeconds * 1000) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = server.cpuMs() ?? 0;
    if (now - last <= 20) break;
    last = now;
  }
  return (Date.now() - t0) / 1000;
}

export async function startServer(location: string): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'dashboard/server.ts', '--db', location, '--port', '0'], {
    cwd: repoRoot,
    env: { ...process.env, GATEHOUSE_ADMIN_TOKEN: ADMIN },
    // The server's info log (one line per ingest) would drown the figures: kept, not printed,
    // and its end shown if the server exits before listening.
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-4000);
  });
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Gatehouse dashboard: (http:\/\/\S+?)\/? /.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`dashboard exited (${code}) before listening: ${out}${err}`)));
  });
  return {
    base,
    cpuMs: () => processCpuMs(child.pid),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface LoadResult {
  requests: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
  rps: number;
}

/** `concurrency` keep-alive connections, each sending requests back to back; bounded by count and time. */
export async function load(base: string, paths: () => string, headers: Record<string, string>, opts: { concurrency: number; requests: number; maxSeconds: number }): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const url = new URL(base);
  const latencies: number[] = [];
  let errors = 0;
  let sent = 0;
  const deadline = Date.now() + opts.maxSeconds * 1000;
  const t0 = process.hrtime.bigint();
  const one = (path: string) =>
    new Promise<number>((resolve) => {
      const req = request({ host: url.hostname, port: url.port, path, agent, headers }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', () => resolve(0));
      req.end();
    });
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (sent < opts.requests && Date.now() < deadline) {
        sent++;
        const s = process.hrtime.bigint();
        const status = await one(paths());
        latencies.push(ms(s));
        if (status !== 200) errors++;
      }
    }),
  );
  const seconds = ms(t0) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { requests: latencies.length, errors, p50: at(0.5), p99: at(0.99), max: latencies.at(-1) ?? 0, rps: latencies.length / seconds };
}

/** One GET's body as received (still compressed when the server gzipped it). */
export function fetchBytes(base: string, path: string, headers: Record<string, string>): Promise<Buffer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`GET ${path}: ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

