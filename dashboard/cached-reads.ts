// Reads that go through the app's one cache (version-cache.ts): the overview of every service is the
// heaviest read of the store and the API, the badges and the overview page all show it.
import type { RouteDeps } from './deps.js';
import type { Schedule } from './version-cache.js';
import type { ReadStore, ServiceOverview } from './store/types.js';

/** The overview is recomputed at most every 5 minutes within a data version (SLA ages move with the clock). */
export const OVERVIEW_BUCKET_MS = 300_000;

export const overviewPeriod = (now: Date) => Math.floor(now.getTime() / OVERVIEW_BUCKET_MS);

/**
 * How a cached read refreshes in the background: on the page warmer's queue (only while no request
 * is in flight), else right after the current requests.
 */
export function backgroundOf(deps: Partial<Pick<RouteDeps, 'warmer'>>, wide = false): Schedule | undefined {
  const warmer = deps.warmer;
  return warmer ? (key, task) => warmer.enqueue(`refresh|${key}`, task, wide) : undefined;
}

/**
 * The overview at data `version`: of this 5-minute period, or of the previous one (same data) while
 * this period's is computed in the background, so no request waits for a recompute the clock asks
 * for (on SQLite it holds the event loop). A new data version is computed before answering.
 * `fresh`: this period's, computed now when the cache holds an older one (bodies cached per period).
 */
export async function cachedOverview(deps: Pick<RouteDeps, 'cache'> & Partial<Pick<RouteDeps, 'warmer'>> & { store: ReadStore }, now: Date, version?: number, fresh = false): Promise<ServiceOverview[]> {
  if (!deps.cache) return deps.store.listServiceOverview(now);
  const v = version ?? (await deps.store.dataVersion());
  return deps.cache.getAging('data|overview', v, overviewPeriod(now), () => deps.store.listServiceOverview(now), {
    size: (rows) => rows.length * 2048,
    maxLag: fresh ? 0 : 1,
    // Every service's rows: wide work (page-warmer.ts enqueue).
    schedule: backgroundOf(deps, true),
  });
}
