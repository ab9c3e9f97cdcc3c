// The app keeps the last request's objects reachable until the next request ends (app.ts): V8's
// optimized code of the request path depends, weakly, on the shapes of those objects, and a major
// GC while none is alive (minutes of work ahead after a start) threw that code away, so the next
// few thousand requests ran unoptimized (bench/after-idle-gc.bench.ts prints the CPU per request).
// Checked with real collections of this process's heap.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../dashboard/app.js';
import { DEFAULT_DASHBOARD_CONFIG } from '../../../dashboard/deps.js';
import { openSqliteStore } from '../../../dashboard/store/sqlite/open.js';
import type { Store } from '../../../dashboard/store/types.js';
import { createMemoryLogger } from '../../../src/logger.js';

// A full collection on demand, without starting vitest's workers with --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let store: Store;
beforeAll(() => {
  store = openSqliteStore(':memory:');
});
afterAll(async () => {
  await store.close();
});

/** A WeakRef to the Request of one GET, made in a function of its own so no local of ours holds it. */
async function requestOnce(app: ReturnType<typeof createApp>, path: string): Promise<WeakRef<Request>> {
  const req = new Request(`http://localhost${path}`);
  const res = await app.request(req);
  expect(res.status).toBe(200);
  await res.arrayBuffer();
  return new WeakRef(req);
}

describe('the last request stays reachable', () => {
  it('survives full collections while no other request comes, and goes once the next one ends', async () => {
    const app = createApp({ store, config: DEFAULT_DASHBOARD_CONFIG, logger: createMemoryLogger() });
    const first = await requestOnce(app, '/healthz');
    for (let i = 0; i < 4; i++) {
      gc();
      await new Promise((r) => setImmediate(r));
    }
    expect(first.deref()).toBeDefined();
    // The next request takes its place: the app holds one request, not all of them.
    await requestOnce(app, '/healthz');
    for (let i = 0; i < 4; i++) {
      gc();
      await new Promise((r) => setImmediate(r));
    }
    expect(first.deref()).toBeUndefined();
  });
});
