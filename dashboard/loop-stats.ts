// Opt-in event-loop figures for the benches (GATEHOUSE_LOOP_STATS=1): how often and how long the
// server's one thread was blocked. Wall-clock latency on a shared machine swings with its load;
// a block (a synchronous render, a recompute, a GC pause, a *Sync zlib call) is the server's own
// doing. SIGUSR2 prints one line on stderr and starts a new period; the line is read by
// bench/http-load.ts. Off unless asked for: nothing runs and no signal handler is installed.
import { constants, performance, PerformanceObserver, type NodeGCPerformanceDetail, type PerformanceEntry } from 'node:perf_hooks';
import type { WorkAheadFigures } from './page-warmer.js';

/** A period's figures: ticks late by more than BLOCK_MS, their total and the longest (ms). */
export interface LoopStats {
  blocks: number;
  blockedMs: number;
  maxMs: number;
  /**
   * The same, counting only the process's CPU time while the tick was late: a tick late because
   * the machine gave the process no core is not a block of ours. (All threads' CPU: gzip on the
   * thread pool during a late tick counts too, so this is an upper bound.)
   */
  cpuBlocks: number;
  cpuBlockedMs: number;
  maxCpuMs: number;
  /** Share of the period the loop was busy (0..1, performance.eventLoopUtilization). */
  utilization: number;
  periodMs: number;
  /**
   * Garbage collection over the period (perf_hooks 'gc' entries: the pauses on the main thread,
   * incremental marking steps included): how many, their total and the longest (ms), and of those
   * the major (mark-compact) ones. A pause holds every request in flight, like any other block.
   */
  gc: { count: number; ms: number; maxMs: number; major: number; majorMs: number };
  /**
   * At the period's end (MB): the V8 heap in use (what a major collection walks), the bytes of
   * Buffers and other ArrayBuffers (outside that heap: their contents are never walked), the RSS.
   */
  heapMb: number;
  buffersMb: number;
  rssMb: number;
  /**
   * Work ahead's steps in the period and the longest (ms), when the server reports them
   * (page-warmer.ts): a load line whose blocks are the work ahead's shows it here.
   */
  aheadSteps?: number;
  aheadMaxMs?: number;
}

/** A tick later than this counts as a block (a request waiting that long misses p99 <= 50 ms). */
const BLOCK_MS = 20;
const TICK_MS = 10;
/** The stderr line's prefix (the bench looks for it). */
export const LOOP_STATS_PREFIX = 'gatehouse-loop-stats ';

export class LoopMonitor {
  private blocks = 0;
  private blockedMs = 0;
  private maxMs = 0;
  private cpuBlocks = 0;
  private cpuBlockedMs = 0;
  private maxCpuMs = 0;
  private lastCpu = cpuMs();
  private expected = performance.now() + TICK_MS;
  private since = performance.now();
  private elu = performance.eventLoopUtilization();
  private gc = noGc();
  private readonly timer: NodeJS.Timeout;
  private readonly gcObserver: PerformanceObserver;
  private workAhead: (() => WorkAheadFigures) | undefined;

  constructor() {
    // A timer due every TICK_MS: how late it fires is how long the loop was held.
    this.timer = setInterval(() => {
      const now = performance.now();
      const cpu = cpuMs();
      const late = now - this.expected;
      if (late > BLOCK_MS) {
        this.blocks++;
        this.blockedMs += late;
        // CPU used since the last tick: the held loop's own work, unlike time without a core.
        const busy = Math.min(late + TICK_MS, cpu - this.lastCpu);
        if (busy > BLOCK_MS) {
          this.cpuBlocks++;
          this.cpuBlockedMs += busy;
        }
        if (busy > this.maxCpuMs) this.maxCpuMs = busy;
      }
      if (late > this.maxMs) this.maxMs = late;
      this.lastCpu = cpu;
      this.expected = now + TICK_MS;
    }, TICK_MS);
    this.timer.unref();
    this.gcObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) this.countGc(e);
    });
    this.gcObserver.observe({ entryTypes: ['gc'] });
  }

  private countGc(e: PerformanceEntry): void {
    const g = this.gc;
    g.count++;
    g.ms += e.duration;
    if (e.duration > g.maxMs) g.maxMs = e.duration;
    // A 'gc' entry carries its kind in `detail` (the types know only the entry's common fields).
    if ((e as PerformanceEntry & { detail?: NodeGCPerformanceDetail }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
      g.major++;
      g.majorMs += e.duration;
    }
  }

  /** Work ahead's figures go with the loop's from now on (each take() reads and restarts them). */
  reportWorkAhead(take: () => WorkAheadFigures): void {
    this.workAhead = take;
  }

  /** The figures since the last call (or the start), then a new period. */
  take(): LoopStats {
    const now = performance.now();
    const elu = performance.eventLoopUtilization(this.elu);
    const ahead = this.workAhead?.();
    const stats = {
      blocks: this.blocks,
      blockedMs: Math.round(this.blockedMs),
      maxMs: Math.round(this.maxMs),
      cpuBlocks: this.cpuBlocks,
      cpuBlockedMs: Math.round(this.cpuBlockedMs),
      maxCpuMs: Math.round(this.maxCpuMs),
      utilization: Math.round(elu.utilization * 1000) / 1000,
      periodMs: Math.round(now - this.since),
      ...(ahead ? { aheadSteps: ahead.steps, aheadMaxMs: Math.round(ahead.longestStepMs) } : {}),
      gc: { count: this.gc.count, ms: Math.round(this.gc.ms), maxMs: Math.round(this.gc.maxMs), major: this.gc.major, majorMs: Math.round(this.gc.majorMs) },
      ...memoryMb(),
    };
    this.gc = noGc();
    this.blocks = 0;
    this.blockedMs = 0;
    this.maxMs = 0;
    this.cpuBlocks = 0;
    this.cpuBlockedMs = 0;
    this.maxCpuMs = 0;
    this.since = now;
    this.elu = performance.eventLoopUtilization();
    return stats;
  }

  stop(): void {
    clearInterval(this.timer);
    this.gcObserver.disconnect();
  }
}

const noGc = () => ({ count: 0, ms: 0, maxMs: 0, major: 0, majorMs: 0 });

function memoryMb(): { heapMb: number; buffersMb: number; rssMb: number } {
  const m = process.memoryUsage();
  const mb = (n: number) => Math.round(n / 1048576);
  return { heapMb: mb(m.heapUsed), buffersMb: mb(m.arrayBuffers), rssMb: mb(m.rss) };
}

/** A period's garbage collection and memory, as the benches print it beside the loop blocks. */
export function gcText(s: LoopStats): string {
  // Lines from a server without these figures (an older build) print nothing for them.
  if (!s.gc) return '';
  return `, gc ${s.gc.count} pauses = ${s.gc.ms} ms (max ${s.gc.maxMs}; ${s.gc.major} major = ${s.gc.majorMs} ms), heap ${s.heapMb} MB + buffers ${s.buffersMb} MB`;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** The monitor loopStatsFromEnv started in this process (server.ts adds the work ahead's figures to it). */
let processMonitor: LoopMonitor | undefined;

export function processLoopMonitor(): LoopMonitor | undefined {
  return processMonitor;
}

/** When GATEHOUSE_LOOP_STATS=1: a monitor whose figures SIGUSR2 prints on stderr. */
export function loopStatsFromEnv(env: NodeJS.ProcessEnv = process.env): LoopMonitor | undefined {
  if (env.GATEHOUSE_LOOP_STATS !== '1') return undefined;
  const monitor = new LoopMonitor();
  processMonitor = monitor;
  process.on('SIGUSR2', () => process.stderr.write(`${LOOP_STATS_PREFIX}${JSON.stringify(monitor.take())}\n`));
  return monitor;
}

/** Parses the line printed on SIGUSR2, undefined for any other line. */
export function parseLoopStats(line: string): LoopStats | undefined {
  if (!line.startsWith(LOOP_STATS_PREFIX)) return undefined;
  return JSON.parse(line.slice(LOOP_STATS_PREFIX.length)) as LoopStats;
}
