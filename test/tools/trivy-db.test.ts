// The vulnerability DB that does not flake: a stand-in trivy (a real child process printing the
// errors users report) and a local cache folder.
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../src/logger.js';
import { actionsCacheStore, dbCacheKey, DB_CACHE_PREFIX, folderCacheStore } from '../../src/tools/trivy-db-cache.js';
import { downloadFailureReason, prepareTrivyDb, TRIVY_DB_REPOSITORIES } from '../../src/tools/trivy-db.js';

const NOW = new Date('2026-11-30T18:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();

function setup() {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-trivy-db-'));
  const trivy = path.join(dir, 'trivy');
  copyFileSync(new URL('./fixtures/stand-in-trivy.mjs', import.meta.url), trivy);
  chmodSync(trivy, 0o755);
  const log = path.join(dir, 'argv.log');
  process.env.STAND_IN_TRIVY_LOG = log;
  const folder = path.join(dir, 'cache-folder');
  const seedCache = (ageHours: number) => {
    const key = path.join(folder, `${DB_CACHE_PREFIX}2026-11-28-00`, 'db');
    mkdirSync(key, { recursive: true });
    writeFileSync(path.join(key, 'metadata.json'), JSON.stringify({ Version: 2, UpdatedAt: hoursAgo(ageHours), DownloadedAt: hoursAgo(ageHours) }));
    writeFileSync(path.join(key, 'trivy.db'), 'cached db');
  };
  const calls = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { args: string[] }) : []);
  return { dir, trivy, folder, seedCache, calls, cacheDir: path.join(dir, 'runner-temp', 'trivy-cache'), store: folderCacheStore(folder) };
}

afterEach(() => {
  delete process.env.STAND_IN_TRIVY_DB;
  delete process.env.STAND_IN_TRIVY_LOG;
  delete process.env.STAND_IN_TRIVY_UPDATED_AT;
});

describe('trivy vulnerability DB', () => {
  it('ghcr.io says TOOMANYREQUESTS: the next registry is tried, the DB is fresh and saved to the cache', async () => {
    const t = setup();
    process.env.STAND_IN_TRIVY_DB = JSON.stringify({ 'mirror.gcr.io/aquasec/trivy-db:2': 'toomany', 'ghcr.io/aquasecurity/trivy-db:2': 'toomany', 'public.ecr.aws/aquasecurity/trivy-db:2': 'ok' });
    process.env.STAND_IN_TRIVY_UPDATED_AT = hoursAgo(3);
    const logger = createMemoryLogger();
    const state = await prepareTrivyDb({ trivy: t.trivy, cacheDir: t.cacheDir, store: t.store, maxAgeHours: 72, logger, now: NOW });
    expect(state).toMatchObject({ status: 'fresh', repository: 'public.ecr.aws/aquasecurity/trivy-db:2', ageHours: 3, env: { TRIVY_CACHE_DIR: t.cacheDir, TRIVY_SKIP_DB_UPDATE: 'true' } });
    expect(t.calls().map((c) => c.args[c.args.indexOf('--db-repository') + 1])).toEqual([...TRIVY_DB_REPOSITORIES]);
    expect(logger.lines.join('\n')).toMatch(/download from mirror\.gcr\.io\/aquasec\/trivy-db:2 failed \(TOOMANYREQUESTS\)/);
    expect(readdirSync(t.folder)).toEqual([dbCacheKey(NOW)]);
    expect(readFileSync(path.join(t.folder, dbCacheKey(NOW), 'db', 'trivy.db'), 'utf8')).toBe('db from public.ecr.aws/aquasecurity/trivy-db:2');
  });

  it('no registry answers, the cached DB is 31 h old: stale, said in words, the scans use it', async () => {
    const t = setup();
    t.seedCache(31);
    process.env.STAND_IN_TRIVY_DB = JSON.stringify({ 'mirror.gcr.io/aquasec/trivy-db:2': 'reset', 'ghcr.io/aquasecurity/trivy-db:2': 'toomany', 'public.ecr.aws/aquasecurity/trivy-db:2': 'denied' });
    const state = await prepareTrivyDb({ trivy: t.trivy, cacheDir: t.cacheDir, store: t.store, maxAgeHours: 72, logger: createMemoryLogger(), now: NOW });
    expect(state.status).toBe('stale');
    if (state.status !== 'stale') return;
    expect(state.ageHours).toBe(31);
    expect(state.note).toMatch(/^stale vulnerability DB, 31 h old: /);
    expect(state.note).toContain('mirror.gcr.io/aquasec/trivy-db:2: connection reset by peer; ghcr.io/aquasecurity/trivy-db:2: TOOMANYREQUESTS; public.ecr.aws/aquasecurity/trivy-db:2: DENIED');
    expect(readFileSync(path.join(t.cacheDir, 'db', 'trivy.db'), 'utf8')).toBe('cached db');
  });

  it('past trivy-db-max-age the cached DB is refused (fail closed), and so is no DB at all', async () => {
    const t = setup();
    t.seedCache(80);
    const old = await prepareTrivyDb({ trivy: t.trivy, cacheDir: t.cacheDir, store: t.store, maxAgeHours: 72, logger: createMemoryLogger(), now: NOW });
    expect(old).toEqual({ status: 'unavailable', reason: expect.stringMatching(/the cached one is 80 h old, older than trivy-db-max-age \(72 h\)/) });
    const within = await prepareTrivyDb({ trivy: t.trivy, cacheDir: t.cacheDir, store: t.store, maxAgeHours: 96, logger: createMemoryLogger(), now: NOW });
    expect(within.status).toBe('stale');

    const empty = setup();
    const none = await prepareTrivyDb({ trivy: empty.trivy, cacheDir: empty.cacheDir, store: empty.store, maxAgeHours: 72, logger: createMemoryLogger(), now: NOW });
    expect(none).toEqual({ status: 'unavailable', reason: expect.stringMatching(/no vulnerability DB could be downloaded \(.*TOOMANYREQUESTS.*\) and none was cached/) });
  });

  it('trivy not installed: nothing to prepare (the scan reports the missing tool)', async () => {
    const t = setup();
    const state = await prepareTrivyDb({ trivy: path.join(t.dir, 'no-such-trivy'), cacheDir: t.cacheDir, store: t.store, maxAgeHours: 72, logger: createMemoryLogger(), now: NOW });
    expect(state).toEqual({ status: 'not-installed' });
  });

  it('the Actions cache store loads @actions/cache and, with no cache service (not on a runner), restores nothing', async () => {
    const saved = { url: process.env.ACTIONS_CACHE_URL, results: process.env.ACTIONS_RESULTS_URL };
    delete process.env.ACTIONS_CACHE_URL;
    delete process.env.ACTIONS_RESULTS_URL;
    try {
      const t = setup();
      const store = actionsCacheStore();
      expect(await store.restore(t.cacheDir)).toBeUndefined();
      await expect(store.save(t.cacheDir, dbCacheKey(NOW))).resolves.toBeUndefined();
    } finally {
      if (saved.url) process.env.ACTIONS_CACHE_URL = saved.url;
      if (saved.results) process.env.ACTIONS_RESULTS_URL = saved.results;
    }
  });

  it('reads the actionable part of trivy error output', () => {
    expect(downloadFailureReason('2026\tFATAL\tinit error: ... GET https://ghcr.io/v2/aquasecurity/trivy-db/manifests/2: TOOMANYREQUESTS: retry-after: 78.409µs')).toBe('TOOMANYREQUESTS');
    expect(downloadFailureReason('x\n2026\tFATAL\tsomething new broke\n')).toBe('2026 FATAL something new broke');
    expect(dbCacheKey(new Date('2026-11-30T17:59:00Z'))).toBe(`${DB_CACHE_PREFIX}2026-11-30-12`);
  });
});
