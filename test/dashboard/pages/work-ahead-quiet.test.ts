// When work ahead (dashboard/page-warmer.ts) may go on while requests come: only after real quiet,
// not at the momentary idle between two requests of a stream (a step taken then delays the next
// ones); and under a stream that never pauses, still, one spaced step at a time, so it ends.
import { describe, expect, it } from 'vitest';
import { LoopMonitor } from '../../../dashboard/loop-stats.js';
import { PageWarmer } from '../../../dashboard/page-warmer.js';
import { createMemoryLogger } from '../../../src/logger.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const NEVER = 3_600_000;

describe('work ahead between requests', () => {
  it('does not go on at a momentary idle between two requests of a stream, only when quiet (or a request waits for it)', async () => {
    // Quiet never comes within the test, nor the stream's allowance: only `urgent` lets it go on.
    const warmer = new PageWarmer(createMemoryLogger(), NEVER, NEVER);
    let urgent = false;
    let resumed = false;
    warmer.requestStarted();
    const paused = warmer.yieldToRequests(() => urgent).then(() => (resumed = true));
    for (let i = 0; i < 10; i++) {
      warmer.requestEnded();
      // No request in flight for a moment (a timer's length: ample for a resume to happen).
      await sleep(2);
      expect(resumed).toBe(false);
      warmer.requestStarted();
      await sleep(1);
    }
    warmer.requestEnded();
    urgent = true;
    await paused;
    expect(resumed).toBe(true);
  });

  it('under a stream that never leaves the quiet time, still ends its tasks, each at a moment no request is in flight, requests going between them', async () => {
    // Quiet never comes; the stream's allowance starts after 30 ms of waiting.
    const warmer = new PageWarmer(createMemoryLogger(), NEVER, 30);
    let inFlight = 0;
    let served = 0;
    let stop = false;
    // Requests back to back, with a moment between two (the next arrives on a later turn, as from a socket).
    const stream = (async () => {
      while (!stop) {
        warmer.requestStarted();
        inFlight++;
        await sleep(1);
        inFlight--;
        served++;
        warmer.requestEnded();
        await sleep(1);
      }
    })();
    const seen: { inFlight: number; served: number }[] = [];
    for (let i = 0; i < 4; i++) warmer.enqueue(`task|${i}`, async () => seen.push({ inFlight, served }));
    const ended = await Promise.race([warmer.idle().then(() => true), sleep(20_000).then(() => false)]);
    stop = true;
    await stream;
    expect(ended).toBe(true);
    expect(seen).toHaveLength(4);
    expect(seen.every((s) => s.inFlight === 0)).toBe(true);
    // Between two tasks requests were served: the stream is not paused for a run of tasks.
    for (let i = 1; i < seen.length; i++) expect(seen[i].served).toBeGreaterThan(seen[i - 1].served);
  });

  it('counts its steps and the longest for the bench, from zero again after each reading', async () => {
    const warmer = new PageWarmer(createMemoryLogger(), 0);
    warmer.enqueue('a', async () => {
      await warmer.yieldToRequests();
    });
    warmer.enqueue('b', async () => undefined);
    await warmer.idle();
    const figures = warmer.takeFigures();
    // Task a: two steps (before and after its pause); task b: one.
    expect(figures.steps).toBe(3);
    expect(figures.longestStepMs).toBeGreaterThanOrEqual(0);
    expect(warmer.takeFigures()).toEqual({ steps: 0, longestStepMs: 0 });
  });

  it('go with the loop figures a bench reads (dashboard/loop-stats.ts), once reported', async () => {
    const monitor = new LoopMonitor();
    try {
      expect(monitor.take().aheadSteps).toBeUndefined();
      const warmer = new PageWarmer(createMemoryLogger(), 0);
      monitor.reportWorkAhead(() => warmer.takeFigures());
      warmer.enqueue('a', async () => undefined);
      await warmer.idle();
      expect(monitor.take().aheadSteps).toBe(1);
      expect(monitor.take().aheadSteps).toBe(0);
    } finally {
      monitor.stop();
    }
  });
});
