// Shared by the dashboard benches: a dashboard server in a child process, and a load generator of
// N keep-alive connections reporting p50/p99 (printed by the benches, never asserted).
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { parseLoopStats, type LoopStats } from '../dashboard/loop-stats.js';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';

export const ADMIN = 'bench-admin-token-0123456789abcdef';
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

export interface Server {
  base: string;
  /** The server process's CPU time so far (user + system, ms; Linux /proc), undefined elsewhere. */
  cpuMs(): number | undefined;
  /**
   * The server's event-loop figures since the last call (dashboard/loop-stats.ts: blocks > 20 ms,
   * their sum and the longest), undefined where signals or the figures are missing.
   */
  loopStats(): Promise<LoopStats | undefined>;
  /** The server's resident memory (MB; Linux /proc), undefined elsewhere. */
  rssMb(): number | undefined;
  /** The server's log lines about its work ahead (page-warmer.ts: how far a run got, in how long), so far. */
  workAhead(): string[];
  /** Sends the server process a signal (a bench-only entry may act on it). */
  signal(name: NodeJS.Signals): void;
  stop(): Promise<void>;
}

/** VmRSS of a process from /proc/<pid>/status, in MB. */
export function processRssMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
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

/**
 * Waits until the server uses (almost) no CPU for a second: its background work is done. `database`:
 * the database server's CPU meter too (bench/pg-cpu.ts), when the work is mostly its (a render
 * ahead waiting on PostgreSQL uses little of the dashboard's own CPU).
 */
export async function waitQuiet(server: Server, maxSeconds: number, database?: () => number | undefined): Promise<number> {
  const t0 = Date.now();
  const cpu = () => {
    const own = server.cpuMs();
    return own === undefined ? undefined : own + (database?.() ?? 0);
  };
  let last = cpu();
  if (last === undefined) return 0;
  while (Date.now() - t0 < maxSeconds * 1000) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = cpu() ?? 0;
    if (now - last <= 20) break;
    last = now;
  }
  return (Date.now() - t0) / 1000;
}

/**
 * The dashboard in a child process. Looking inside it (opt-in, for finding where a tail comes from):
 *   GATEHOUSE_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/x --trace-gc"  node flags for the server
 *   GATEHOUSE_BENCH_SERVER_LOG=/tmp/x/server.log  the server's stdout and stderr appended there
 *   GATEHOUSE_BENCH_TIMELINE=/tmp/x/timeline.jsonl  each load line's requests (start, latency, path), one JSON line a line
 * Its event-loop figures (loopStats) are always on: a 10 ms timer, no cost worth counting.
 */
export async function startServer(location: string, entry = 'dashboard/server.ts'): Promise<Server> {
  const nodeArgs = (process.env.GATEHOUSE_BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const logFile = process.env.GATEHOUSE_BENCH_SERVER_LOG;
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', entry, '--db', location, '--port', '0'], {
    cwd: repoRoot,
    env: { ...process.env, GATEHOUSE_ADMIN_TOKEN: ADMIN, GATEHOUSE_LOOP_STATS: '1' },
    // The server's info log (one line per ingest) would drown the figures: kept, not printed,
    // and its end shown if the server exits before listening.
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let partial = '';
  const statsWaiters: ((s: LoopStats | undefined) => void)[] = [];
  const workAhead: string[] = [];
  child.stderr.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-4000);
    if (logFile) appendFileSync(logFile, d);
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const stats = parseLoopStats(line);
      if (stats) statsWaiters.shift()?.(stats);
      if (/^(warning: )?work ahead /.test(line)) workAhead.push(line);
    }
  });
  if (logFile) child.stdout.on('data', (d: Buffer) => appendFileSync(logFile, d));
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
    rssMb: () => processRssMb(child.pid),
    workAhead: () => [...workAhead],
    signal: (name) => void child.kill(name),
    loopStats: () =>
      new Promise<LoopStats | undefined>((resolve) => {
        const timeout = setTimeout(() => {
          statsWaiters.splice(statsWaiters.indexOf(done), 1);
          resolve(undefined);
        }, 2000);
        const done = (s: LoopStats | undefined) => {
          clearTimeout(timeout);
          resolve(s);
        };
        statsWaiters.push(done);
        if (!child.kill('SIGUSR2')) done(undefined);
      }),
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
  /**
   * The bench process's CPU per request over the line (ms): the load generator's share of the two
   * cores the server (and PostgreSQL) run on, with whatever else the bench does meanwhile (a line
   * with uploads beside its reads counts those too). With N requests in flight on C cores, the p50 is about
   * N x (server + database + client CPU per request) / C: what a line can reach on this machine.
   */
  clientCpuMs: number;
}

/** `concurrency` keep-alive connections, each sending requests back to back; bounded by count and time, and `until` when given. */
export async function load(base: string, paths: () => string, headers: Record<string, string>, opts: { concurrency: number; requests: number; maxSeconds: number; until?: () => boolean; timelineTag?: string }): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const url = new URL(base);
  const latencies: number[] = [];
  // Opt-in, for finding where a tail comes from: each request's start (ms into the line), latency and path.
  const timelineFile = process.env.GATEHOUSE_BENCH_TIMELINE;
  const timeline: [number, number, string][] = [];
  let errors = 0;
  let sent = 0;
  const one = (path: string) =>
    new Promise<number>((resolve) => {
      const req = request({ host: url.hostname, port: url.port, path, agent, headers }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', () => resolve(0));
      req.end();
    });
  // Keep-alive clients (browsers, CI pushers) send a read on a connection that is already open, so
  // the connections are opened before the clock starts: opening 32 in the same instant costs both
  // processes 50-100 ms of connect and first-request setup (connectBurst prints that apart).
  await Promise.all(Array.from({ length: opts.concurrency }, () => one('/healthz')));
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const deadline = Date.now() + opts.maxSeconds * 1000;
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (sent < opts.requests && Date.now() < deadline && !opts.until?.()) {
        sent++;
        const s = process.hrtime.bigint();
        const path = paths();
        const status = await one(path);
        const took = ms(s);
        latencies.push(took);
        if (timelineFile) timeline.push([Number(s - t0) / 1e6, took, path]);
        if (status !== 200) errors++;
      }
    }),
  );
  const seconds = ms(t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  if (timelineFile) appendFileSync(timelineFile, `${JSON.stringify({ tag: opts.timelineTag ?? 'line', concurrency: opts.concurrency, timeline })}\n`);
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { requests: latencies.length, errors, p50: at(0.5), p99: at(0.99), max: latencies.at(-1) ?? 0, rps: latencies.length / seconds, clientCpuMs: (cpu.user + cpu.system) / 1000 / Math.max(1, latencies.length) };
}

/**
 * A line's warm-up, not measured: its requests at its own concurrency, enough for every pooled
 * connection to run the line's statements past PostgreSQL's first plans. A prepared statement's
 * first five executions on a connection are planned for their parameters (custom plans: the first
 * with the server's catalog caches cold, ~9 ms at 10 million findings, the next ~0.6-0.9 ms each),
 * the sixth builds the plan kept for every parameter (a generic plan), and later ones reuse it
 * (~0.02 ms): that is what a long-lived process runs. Warmed up at 4 connections, the other 4 of
 * the pool's 8 met the line's statement inside its first burst, whose 32 requests then took up to
 * 70 ms against a p50 of 28 (GATEHOUSE_BENCH_TIMELINE). Also warms V8 on the line's path. Its
 * figures are returned: a bench says them where the warm-up takes a cost of its own (the first
 * request after a day turn recomputes what the clock moved).
 */
export async function warmUp(base: string, paths: () => string, headers: Record<string, string>, concurrency = 32): Promise<LoadResult> {
  return load(base, paths, headers, { concurrency, requests: 10 * concurrency, maxSeconds: 30, timelineTag: 'warm-up' });
}

/** `count` new connections opened at the same instant, one GET /healthz each: latency includes the connect. */
export async function connectBurst(base: string, count: number): Promise<LoadResult> {
  const url = new URL(base);
  const agent = new Agent({ keepAlive: true, maxSockets: count });
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const latencies = await Promise.all(
    Array.from({ length: count }, () =>
      new Promise<number>((resolve) => {
        const s = process.hrtime.bigint();
        const req = request({ host: url.hostname, port: url.port, path: '/healthz', agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(ms(s)));
        });
        req.on('error', () => resolve(Number.NaN));
        req.end();
      }),
    ),
  );
  const seconds = ms(t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  const ok = latencies.filter((l) => !Number.isNaN(l)).sort((a, b) => a - b);
  const at = (q: number) => ok[Math.min(ok.length - 1, Math.floor(q * ok.length))];
  return { requests: ok.length, errors: count - ok.length, p50: at(0.5), p99: at(0.99), max: ok.at(-1) ?? 0, rps: ok.length / seconds, clientCpuMs: (cpu.user + cpu.system) / 1000 / Math.max(1, ok.length) };
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

