// Reads that go through the app's one cache (version-cache.ts): the overview of every service is the
// heaviest read of the store and the API, the badges and the overview page all show it.
import type { RouteDeps } from './deps.js';
import type { ReadStore, ServiceOverview } from './store/types.js';

/** The overview is recomputed at most every 5 minutes within a data version (SLA ages move with the clock). */
const OVERVIEW_BUCKET_MS = 300_000;

export async function cachedOverview(deps: Pick<RouteDeps, 'cache'> & { store: ReadStore }, now: Date, version?: number): Promise<ServiceOverview[]> {
  if (!deps.cache) return deps.store.listServiceOverview(now);
  const v = version ?? (await deps.store.dataVersion());
  // The day is part of the key: trends end today.
  const key = `overview|${now.toISOString().slice(0, 10)}|${Math.floor(now.getTime() / OVERVIEW_BUCKET_MS)}`;
  return deps.cache.get(key, v, () => deps.store.listServiceOverview(now), (rows) => rows.length * 2048);
}
