// Serialized JSON responses cached until the next ingest (the store's data version changes) —
// read endpoints whose answer depends only on stored data and the query, so dashboards polling a
// year of posture for hundreds of services do not recompute it per request.
import type { Store } from '../store/types.js';

export interface ResponseCache {
  get(key: string, compute: () => unknown): string;
}

export function createResponseCache(store: Store, maxEntries = 5000): ResponseCache {
  let version = -1;
  const entries = new Map<string, string>();
  return {
    get(key, compute) {
      if (store.dataVersion() !== version || entries.size >= maxEntries) {
        entries.clear();
        version = store.dataVersion();
      }
      let body = entries.get(key);
      if (body === undefined) {
        body = JSON.stringify(compute());
        entries.set(key, body);
      }
      return body;
    },
  };
}
