// Opens the dashboard's store by location: a file path (SQLite, the default) or a postgres:// URL.
import { isPostgresUrl, openPostgresStore } from './postgres/open.js';
import { openSqliteStore } from './sqlite/open.js';
import type { Store, StoreOptions } from './types.js';

export async function openStore(location: string, options: StoreOptions = {}): Promise<Store> {
  if (isPostgresUrl(location)) return openPostgresStore(location, options);
  const store = openSqliteStore(location, options);
  try {
    // A worker that cannot start is said at start, not at the first upload.
    await store.ingestWorker?.ready();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
