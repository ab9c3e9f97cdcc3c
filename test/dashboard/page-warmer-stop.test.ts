// A server stopping stops its work ahead, then closes the store under the task that was running:
// that task's failure is the shutdown's doing, not one to warn about; any other failure is said.
import { describe, expect, it } from 'vitest';
import { PageWarmer } from '../../dashboard/page-warmer.js';
import { createMemoryLogger } from '../../src/logger.js';

/** A warmer with one task running, and the means to fail it. */
async function runningTask() {
  const logger = createMemoryLogger();
  const warmer = new PageWarmer(logger, 0);
  let fail: ((err: Error) => void) | undefined;
  warmer.enqueue('service|payments', () => new Promise((_resolve, reject) => (fail = reject)));
  for (let i = 0; i < 200 && !fail; i++) await new Promise((r) => setTimeout(r, 5));
  expect(fail).toBeDefined();
  return { logger, warmer, fail: fail! };
}

describe('work ahead when the server stops', () => {
  it('says nothing of a running task that fails after stop() (the store closed under it)', async () => {
    const { logger, warmer, fail } = await runningTask();
    warmer.stop();
    fail(new Error('Cannot use a pool after calling end on the pool'));
    await warmer.idle();
    expect(logger.lines).toEqual([]);
  });

  it('warns of a task that fails while it runs on', async () => {
    const { logger, warmer, fail } = await runningTask();
    fail(new Error('database went away'));
    await warmer.idle();
    expect(logger.lines).toEqual(['warning: rendering service page ahead failed: database went away']);
    warmer.stop();
  });
});
