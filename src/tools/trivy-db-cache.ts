// Where trivy's vulnerability DB is kept between runs. Two stores of one shape: GitHub's Actions
// cache (@actions/cache, on hosted runners) and a plain folder (self-hosted runners with a persistent
// disk, and the tests). Both hold the `db/` folder of trivy's cache dir (trivy.db, metadata.json).
import { cp, mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';

export interface DbCacheStore {
  /** Said in logs: "the Actions cache", "the folder /x". */
  name: string;
  /** Restores the newest saved DB into `<cacheDir>/db`; the key it came from, or undefined. */
  restore(cacheDir: string): Promise<string | undefined>;
  /** Saves `<cacheDir>/db` under `key` (a key already saved is left as it is). */
  save(cacheDir: string, key: string): Promise<void>;
}

export const DB_CACHE_PREFIX = 'gatehouse-trivy-db-v2-';

/** One key per 6-hour slot (trivy-db is rebuilt every 6 hours): at most four saves a day. */
export function dbCacheKey(now: Date): string {
  const slot = Math.floor(now.getUTCHours() / 6) * 6;
  return `${DB_CACHE_PREFIX}${now.toISOString().slice(0, 10)}-${String(slot).padStart(2, '0')}`;
}

/** The Actions cache: restores the newest key with our prefix (GitHub matches prefixes newest first). */
export function actionsCacheStore(): DbCacheStore {
  // Imported when first used: @actions/cache (with the Azure storage client) is most of the bundle,
  // and runs without trivy never need it.
  const load = () => import('@actions/cache');
  return {
    name: 'the Actions cache',
    async restore(cacheDir) {
      const cache = await load();
      if (!cache.isFeatureAvailable()) return undefined;
      return cache.restoreCache([path.join(cacheDir, 'db')], `${DB_CACHE_PREFIX}none`, [DB_CACHE_PREFIX]);
    },
    async save(cacheDir, key) {
      const cache = await load();
      if (!cache.isFeatureAvailable()) return;
      try {
        await cache.saveCache([path.join(cacheDir, 'db')], key);
      } catch (error) {
        // Another job of the same slot saved first: that DB is as fresh as ours.
        if (error instanceof Error && error.name === 'ReserveCacheError') return;
        throw error;
      }
    },
  };
}

/** A folder holding `<key>/db`; the newest key wins (keys sort by time). */
export function folderCacheStore(root: string): DbCacheStore {
  return {
    name: `the folder ${root}`,
    async restore(cacheDir) {
      const { readdir } = await import('node:fs/promises');
      const keys = (await readdir(root).catch(() => [] as string[])).filter((k) => k.startsWith(DB_CACHE_PREFIX)).sort();
      const newest = keys.at(-1);
      if (!newest) return undefined;
      await rm(path.join(cacheDir, 'db'), { recursive: true, force: true });
      await mkdir(cacheDir, { recursive: true });
      await cp(path.join(root, newest, 'db'), path.join(cacheDir, 'db'), { recursive: true });
      return newest;
    },
    async save(cacheDir, key) {
      const target = path.join(root, key);
      if (await stat(target).catch(() => undefined)) return;
      await mkdir(root, { recursive: true });
      await cp(path.join(cacheDir, 'db'), path.join(target, 'db'), { recursive: true });
    },
  };
}
