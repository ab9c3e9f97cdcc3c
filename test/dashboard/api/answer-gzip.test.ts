// Where an answer's gzip runs (api/answers.ts gzippedAnswer), on both backends: a miss a request waits
// for is gzipped in the request's own thread (the thread pool's hand-over cost more CPU than the
// compression), so it is answered while every thread of libuv's pool is held; the work ahead keeps
// to the pool (nobody waits for it); the bytes are zlib's either way, but for a short answer's,
// stored (no compressor).
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../dashboard/app.js';
import { findingsAnswer, gzippedAnswer, JsonText, keptGzip, pollAnswersAhead, polledAnswers, STORED_GZIP_MAX, WAITED_GZIP_MAX, type JsonAnswer, type KeptAnswer } from '../../../dashboard/api/answers.js';
import { joinGzip, storedPiece } from '../../../dashboard/gzip-join.js';
import { FindingQuerySchema } from '../../../dashboard/api/query.js';
import { DEFAULT_DASHBOARD_CONFIG } from '../../../dashboard/deps.js';
import type { Store } from '../../../dashboard/store/types.js';
import { VersionedCache } from '../../../dashboard/version-cache.js';
import { createMemoryLogger } from '../../../src/logger.js';
import { BACKENDS, openTestStore, storeLocation } from '../store/backends.js';
import { day, makeReport } from '../store/report-builder.js';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const POOL_SIZE = Number(process.env.UV_THREADPOOL_SIZE) || 4;

/**
 * Holds every thread of libuv's pool: each waits in open() of a FIFO nobody writes to. `canary` is a
 * pool task queued behind them (it ends only once a thread is free: the proof they were all held).
 */
function holdThreadPool(): { canaryDone: () => boolean; release: () => Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-pool-'));
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const readers: Promise<FileHandle>[] = Array.from({ length: POOL_SIZE }, () => open(fifo, 'r'));
  let done = false;
  const canary = stat(dir).then(() => {
    done = true;
  });
  return {
    canaryDone: () => done,
    release: async () => {
      // Read-write never blocks on a FIFO and counts as its writer: every waiting open() returns.
      const writer = openSync(fifo, 'r+');
      for (const handle of await Promise.all(readers)) await handle.close();
      closeSync(writer);
      await canary;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe.each(BACKENDS)('gzip of the read API answers on %s', (backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let viewer: string;

  beforeAll(async () => {
    const location = await storeLocation(backend);
    cleanup = location.cleanup;
    store = await openTestStore(location.location);
    viewer = (await store.createToken({ role: 'viewer', label: 'v' })).token;
    for (const [scanId, d] of [['a', '2026-01-03'], ['b', '2026-02-04'], ['c', '2026-03-09']] as const) {
      const findings = Array.from({ length: 30 }, (_, i) => ({ fp: `f${scanId}${i}`, severity: (['critical', 'high', 'low'] as const)[i % 3] }));
      await store.ingestScan(makeReport({ scanId, createdAt: day(d), findings }), 't');
    }
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  it("answers a miss while the thread pool is held (gzipped in the request's thread), zlib's bytes, cached as such", async () => {
    const app = createApp({ store, config: DEFAULT_DASHBOARD_CONFIG, logger: createMemoryLogger(), now: () => NOW });
    const get = (path: string) => Promise.resolve(app.request(path, { headers: { authorization: `Bearer ${viewer}`, 'accept-encoding': 'gzip' } }));
    // Connections and statements ready before the pool is held (other keys).
    expect((await get('/api/v1/services/payments/posture?from=2026-01-01&to=2026-03-01')).status).toBe(200);
    expect((await get('/api/v1/findings?service=payments&severity=low')).status).toBe(200);
    // The service answer's two reads at once: two pooled connections (PostgreSQL's login hashes on the pool).
    await Promise.all([store.getService('payments', NOW), store.listScans('payments', 20)]);
    const paths = ['/api/v1/services/payments/posture?from=2025-09-12&to=2026-03-10', '/api/v1/findings?service=payments&severity=high', '/api/v1/services/payments'];
    const pool = holdThreadPool();
    const answered: boolean[] = [];
    let bodies: Buffer[];
    try {
      // Sequential: each answer is known to need no pool thread, not only the first.
      bodies = [];
      for (const path of paths) {
        // Bounded: an answer that needs a pool thread would wait for the release below (a failure, not a hang).
        const r = await Promise.race([get(path), new Promise<Response>((_, reject) => setTimeout(() => reject(new Error(`${path}: no answer while the pool was held`)), 10_000))]);
        expect(r.status).toBe(200);
        expect(r.headers.get('content-encoding')).toBe('gzip');
        bodies.push(Buffer.from(await r.arrayBuffer()));
        answered.push(!pool.canaryDone());
      }
    } finally {
      await pool.release();
    }
    expect(answered).toEqual([true, true, true]);
    for (const [i, body] of bodies.entries()) {
      const text = gunzipSync(body).toString('utf8');
      expect(text.length).toBeLessThanOrEqual(WAITED_GZIP_MAX);
      // The same bytes as zlib gives for the answer's text at its level (posture and findings 1, service 6).
      expect(body.equals(gzipSync(text, i < 2 ? { level: 1 } : {}))).toBe(true);
      // A hit serves the very bytes kept.
      const again = await get(paths[i]);
      expect(Buffer.from(await again.arrayBuffer()).equals(body)).toBe(true);
    }
  });

  it('a short answer (an empty findings page) is stored, not compressed: no zlib set up for it, in this thread, ahead or not', async () => {
    const cache = new VersionedCache(1 << 24);
    const paths = ['/api/v1/findings?service=payments&severity=medium', '/api/v1/findings?service=payments&tool=nobody&order=asc'];
    const app = createApp({ store, config: DEFAULT_DASHBOARD_CONFIG, logger: createMemoryLogger(), now: () => NOW });
    const pool = holdThreadPool();
    try {
      for (const path of paths) {
        const r = await Promise.race([
          app.request(path, { headers: { authorization: `Bearer ${viewer}`, 'accept-encoding': 'gzip' } }),
          new Promise<Response>((_, reject) => setTimeout(() => reject(new Error(`${path}: no answer while the pool was held`)), 10_000)),
        ]);
        expect(r.status).toBe(200);
        const body = Buffer.from(await r.arrayBuffer());
        const text = gunzipSync(body).toString('utf8');
        expect(JSON.parse(text)).toMatchObject({ items: [], total: 0 });
        expect(text.length).toBeLessThanOrEqual(STORED_GZIP_MAX);
        expect(body.equals(joinGzip([storedPiece(text)]))).toBe(true);
      }
      // Work ahead too: a short answer does not wait for the pool.
      const short: JsonAnswer<unknown> = { key: 'api|short', version: async () => 1, compute: async () => new JsonText('{"items":[]}'), gzipLevel: 1 };
      const gz = await gzippedAnswer({ cache }, short, { pause: async () => undefined });
      expect(gz.equals(joinGzip([storedPiece('{"items":[]}')]))).toBe(true);
    } finally {
      await pool.release();
    }
  });

  it('an answer longer than WAITED_GZIP_MAX goes to the pool: it waits for a free thread, then zlib\'s bytes', async () => {
    const cache = new VersionedCache(1 << 24);
    const text = JSON.stringify({ points: Array.from({ length: 3000 }, (_, i) => ({ day: i, total: (i * 7919) % 1000 })) });
    expect(text.length).toBeGreaterThan(WAITED_GZIP_MAX);
    const big: JsonAnswer<unknown> = { key: 'api|big', version: async () => 1, compute: async () => new JsonText(text), gzipLevel: 1 };
    const pool = holdThreadPool();
    let done = false;
    const answer = gzippedAnswer({ cache }, big).then((gz) => {
      done = true;
      return gz;
    });
    try {
      // The statement's round trips and this thread's turns: a pool-free gzip would have ended by now.
      for (let i = 0; i < 50 && !done; i++) await new Promise((r) => setTimeout(r, 10));
      expect(done).toBe(false);
    } finally {
      await pool.release();
    }
    expect((await answer).equals(gzipSync(text, { level: 1 }))).toBe(true);
  });

  it('the work ahead gzips on the pool (it waits while the pool is held; the pieces of answers others are cut from in this thread), into the entries requests then hit', async () => {
    const cache = new VersionedCache(1 << 24);
    const deps = { cache, store, now: () => NOW, warmer: undefined };
    const pool = holdThreadPool();
    let done = false;
    const ahead = pollAnswersAhead(deps, 'payments').then(() => {
      done = true;
    });
    try {
      for (let i = 0; i < 50 && !done; i++) await new Promise((r) => setTimeout(r, 10));
      expect(done).toBe(false);
    } finally {
      await pool.release();
    }
    await ahead;
    const answers = polledAnswers(store, 'payments', NOW);
    for (const a of answers) {
      const kept = cache.peek<KeptAnswer>(a.key, await a.version());
      expect(kept).toBeDefined();
      expect(gunzipSync(keptGzip(kept!)).length).toBeGreaterThan(0);
    }
    // One of them, byte for byte against a fresh computation of the same answer.
    const page = findingsAnswer(store, FindingQuerySchema.parse({ service: 'payments' }), NOW);
    const value = await page.compute();
    expect(gunzipSync(keptGzip(cache.peek<KeptAnswer>(page.key, await page.version())!)).toString('utf8')).toBe(JSON.stringify(value));
  });
});
