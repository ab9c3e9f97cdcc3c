// Opt-in event-loop figures for the benches (GATEHOUSE_LOOP_STATS=1): how often and how long the
// server's one thread was blocked. Wall-clock latency on a shared machine swings with its load;
// a block (a synchronous render, a recompute, a GC pause, a *Sync zlib call) is the server's own
// doing. SIGUSR2 prints one line on stderr and starts a new period; the line is read by
// bench/http-load.ts. Off unless asked for: nothing runs and no signal handler is installed.
import { performance } from 'node:perf_hooks';
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
   * Work ahead's steps in the period and the longest (ms), when the server reports them
   * (page-warmer.ts): a load line whose blocks are the work ahead's shows it here.
   */
  aheadSteps?: number;
  aheadMaxMs?: number;
}

/** A tick later than this counts as a block (a request waiting that long misses p99 <= 50 ms). */
export const BLOCK_MS = 20;
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
  private readonly timer: NodeJS.Timeout;
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
      utilization: Math.round(elu.utilization * 1000) / 1000, periodMs: Math.round(now - this.since),
      ...(ahead ? { aheadSteps: ahead.steps, aheadMaxMs: Math.round(ahead.longestStepMs) } : {}) };
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
  }
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
