// Seeing an ingest inside its transaction from outside: the SQLite ingest worker holds the file's
// write lock from its BEGIN IMMEDIATE to its commit (store/sqlite/ingest.ts).
import Database from 'better-sqlite3';

/**
 * Resolves once some connection holds the file's write lock (the worker inside the transaction of
 * `ingest`); fails if `ingest` settles first.
 */
export async function writeLockTaken(file: string, ingest: Promise<unknown>): Promise<void> {
  let settled = false;
  void ingest.then(
    () => (settled = true),
    () => (settled = true),
  );
  const probe = new Database(file, { timeout: 0 });
  try {
    while (!settled) {
      try {
        probe.exec('BEGIN IMMEDIATE');
        probe.exec('ROLLBACK');
      } catch (err) {
        if (err instanceof Database.SqliteError && err.code === 'SQLITE_BUSY') return;
        throw err;
      }
      await new Promise((r) => setImmediate(r));
    }
    throw new Error('the ingest ended before its transaction was seen holding the write lock');
  } finally {
    probe.close();
  }
}
