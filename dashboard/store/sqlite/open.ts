// Opening a SQLite store: the file's pragmas, its migrations, and the three parts (ingest, read,
// auth) over one connection; ingests run on their own thread and connection (ingest-thread.ts).
import path from 'node:path';
import Database from 'better-sqlite3';
import { STORE_TABLES, DEFAULT_SLA_DAYS, type Store, type StoreOptions, type StoreTable } from '../types.js';
import { createSqliteAuth } from './auth.js';
import { configureConnection, isPrivateDatabase } from './connection.js';
import { createSqliteIngest } from './ingest.js';
import { startIngestThread, type IngestWorkerControl } from './ingest-thread.js';
import { createSqliteNotify } from './notify.js';
import { migrate } from './migrations.js';
import { createSqliteRead } from './read.js';
import { createSqliteRepositories } from './repositories.js';
import { createSqliteTriage } from './triage.js';

export interface SqliteStoreOptions extends StoreOptions {
  /**
   * Where ingests run. `worker` (the default): on a worker thread with its own connection, so the
   * caller's event loop keeps turning while a scan is written. `in-thread`: on the caller's thread,
   * blocking it for the transaction (for a store that never ingests, like the migrate command's
   * source). A database only one connection can see (`:memory:`) always ingests in-thread.
   */
  ingest?: 'worker' | 'in-thread';
}

export interface SqliteStore extends Store {
  readonly backend: 'sqlite';
  /** The underlying connection, for SQLite-only tests, the bench and the migrate command. */
  readonly db: Database.Database;
  /** The ingest worker (tests, diagnostics); undefined when ingests run in-thread. */
  readonly ingestWorker: IngestWorkerControl | undefined;
}

export function openSqliteStore(file: string, options: SqliteStoreOptions = {}): SqliteStore {
  const db = new Database(file);
  try {
    configureConnection(db);
    migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }
  const sla = { ...DEFAULT_SLA_DAYS, ...(options.sla ?? {}) };
  // Migrated first: the worker's connection opens a file at the current schema.
  const thread = options.ingest === 'in-thread' || isPrivateDatabase(file) ? undefined : startIngestThread(path.resolve(file));
  return {
    backend: 'sqlite',
    db,
    ingestWorker: thread?.control,
    ...(thread ? { ingestScan: thread.ingestScan } : createSqliteIngest(db)),
    ...createSqliteRead(db, sla),
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
      await thread?.close();
      if (db.open) db.close();
    },
  };
}
