// One SQLite connection's settings, the same for the store's connection (open.ts) and the ingest
// worker's (ingest-worker.ts): both open the same file.
import Database from 'better-sqlite3';

export function configureConnection(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  // WAL + NORMAL: a crash can lose the last commits but never corrupts or half-applies one.
  db.pragma('synchronous = NORMAL');
  // Two connections write this file in one process (the store's and the ingest worker's), and more
  // in other processes: a writer waits for the other's commit rather than failing at once.
  db.pragma('busy_timeout = 5000');
  // A year of history for hundreds of services is a few hundred MB: keep the hot pages in memory.
  db.pragma('cache_size = -65536');
  db.pragma('mmap_size = 268435456');
}

/**
 * Databases that one connection only can see (`:memory:`, and '' for a private temporary file):
 * another thread opening the same name would get a database of its own.
 */
export function isPrivateDatabase(file: string): boolean {
  return file === '' || file === ':memory:' || /^file:.*[?&]mode=memory\b/.test(file);
}
