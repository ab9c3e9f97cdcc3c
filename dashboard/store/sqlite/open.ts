// Opening a SQLite store: the file's pragmas, its migrations, and the three parts (ingest, read,
// auth) over one connection.
import Database from 'better-sqlite3';
import { STORE_TABLES, DEFAULT_SLA_DAYS, type Store, type StoreOptions, type StoreTable } from '../types.js';
import { createSqliteAuth } from './auth.js';
import { createSqliteIngest } from './ingest.js';
import { createSqliteNotify } from './notify.js';
import { migrate } from './migrations.js';
import { createSqliteRead } from './read.js';
import { createSqliteRepositories } from './repositories.js';
import { createSqliteTriage } from './triage.js';

export interface SqliteStore extends Store {
  readonly backend: 'sqlite';
  /** The underlying connection, for SQLite-only tests, the bench and the migrate command. */
  readonly db: Database.Database;
}

export function openSqliteStore(file: string, options: StoreOptions = {}): SqliteStore {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // WAL + NORMAL: a crash can lose the last commits but never corrupts or half-applies one.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    // A year of history for hundreds of services is a few hundred MB: keep the hot pages in memory.
    db.pragma('cache_size = -65536');
    db.pragma('mmap_size = 268435456');
    migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }
  const sla = { ...DEFAULT_SLA_DAYS, ...(options.sla ?? {}) };
  return {
    backend: 'sqlite',
    db,
    ...createSqliteIngest(db),
    ...createSqliteRead(db, sla, { readSliceMs: options.readSliceMs }),
    ...createSqliteAuth(db, options.sessionTtlMs),
    ...createSqliteNotify(db),
    ...createSqliteTriage(db),
    ...createSqliteRepositories(db),
    async tableCounts() {
      const counts = {} as Record<StoreTable, number>;
      for (const t of STORE_TABLES) counts[t] = (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
      return counts;
    },
    async checkpoint() {
      db.pragma('wal_checkpoint(TRUNCATE)');
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
