// The benches' loop figures (dashboard/loop-stats.ts): garbage collection pauses per period and
// where the memory is (V8 heap against Buffers), read from a real monitor in this process.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { gcText, LoopMonitor, parseLoopStats, LOOP_STATS_PREFIX } from '../../dashboard/loop-stats.js';

let monitor: LoopMonitor | undefined;
afterEach(() => monitor?.stop());

/** Short-lived objects until the young generation has been collected at least once. */
async function makeGarbage(m: LoopMonitor): Promise<void> {
  let keep = 0;
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < 200_000; i++) keep += { i, s: `x${i}` }.s.length;
    // GC entries reach the observer after the current task.
    await sleep(1);
    if ((m as unknown as { gc: { count: number } }).gc.count > 0) break;
  }
  expect(keep).toBeGreaterThan(0);
}

describe('LoopMonitor garbage collection figures', () => {
  it('counts the pauses of a period, then starts a new one', async () => {
    monitor = new LoopMonitor();
    monitor.take();
    await makeGarbage(monitor);
    const s = monitor.take();
    expect(s.gc.count).toBeGreaterThan(0);
    expect(s.gc.ms).toBeGreaterThanOrEqual(0);
    expect(s.gc.maxMs).toBeLessThanOrEqual(s.gc.ms + 1);
    expect(s.gc.major).toBeLessThanOrEqual(s.gc.count);
  });

  it('tells Buffers apart from the V8 heap (a cached body kept as a Buffer is not walked by the collector)', async () => {
    monitor = new LoopMonitor();
    const before = monitor.take();
    const body = Buffer.alloc(64 * 1024 * 1024, 1);
    const held = monitor.take();
    expect(held.buffersMb - before.buffersMb).toBeGreaterThanOrEqual(63);
    expect(held.heapMb - before.heapMb).toBeLessThan(32);
    expect(held.rssMb).toBeGreaterThanOrEqual(held.buffersMb);
    expect(body[0]).toBe(1);
  });

  it('goes through the SIGUSR2 line the bench parses, and prints as the benches show it', () => {
    monitor = new LoopMonitor();
    const s = monitor.take();
    const parsed = parseLoopStats(`${LOOP_STATS_PREFIX}${JSON.stringify({ ...s, gc: { count: 3, ms: 12, maxMs: 7, major: 1, majorMs: 7 }, heapMb: 50, buffersMb: 240 })}`);
    expect(parsed && gcText(parsed)).toBe(', gc 3 pauses = 12 ms (max 7; 1 major = 7 ms), heap 50 MB + buffers 240 MB');
    // A line from a server without these figures (an older build) prints nothing for them.
    const { gc: _gc, ...older } = s;
    expect(gcText(older as typeof s)).toBe('');
  });
});
