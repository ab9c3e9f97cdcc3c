// Opens the dashboard's store by location: a file path (SQLite, the default) or a postgres:// URL.
import { isPostgresUrl, openPostgresStore } from './postgres/open.js';
import { openSqliteStore } from './sqlite/open.js';
import type { Store, StoreOptions } from './types.js';

export async function openStore(location: string, options: StoreOptions = {}): Promise<Store> {
  return isPostgresUrl(location) ? openPostgresStore(location, options) : openSqliteStore(location, options);
}
