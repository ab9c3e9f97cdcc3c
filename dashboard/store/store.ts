// Opens the dashboard's store by location: a file path (SQLite, the default) or a postgres:// URL.
import { StoreConnectionError } from './errors.js';
import { isPostgresUrl, looksLikeKeyValueConnection, openPostgresStore } from './postgres/open.js';
import { openSqliteStore } from './sqlite/open.js';
import type { Store, StoreOptions } from './types.js';

export async function openStore(location: string, options: StoreOptions = {}): Promise<Store> {
  // Never echoed: it may hold a password.
  if (!isPostgresUrl(location) && looksLikeKeyValueConnection(location)) {
    throw new StoreConnectionError('the database looks like a key=value connection string (it starts with key= or names a password), which Gatehouse does not read: give a URL such as postgres://gatehouse@db.example.com:5432/gatehouse (the password after the user name and a colon, or in PGPASSWORD; the other PG* variables fill in what it leaves out), or a SQLite file path');
  }
  return isPostgresUrl(location) ? openPostgresStore(location, options) : openSqliteStore(location, options);
}
