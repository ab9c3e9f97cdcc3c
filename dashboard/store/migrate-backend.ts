// `gatehouse dashboard migrate --from FILE.db --to postgres://...`: copies every row of a SQLite
// store into an empty PostgreSQL store — every table of STORE_TABLES: findings, history, tokens
// (hashed as they are), sessions, audit, triage, notifications, the id index — in one PostgreSQL
// transaction that locks every table against writers (a dashboard already running on the target
// waits), then compares row counts table by table before it commits. All or nothing: a failure, a
// killed process or a count mismatch leaves the target empty, and running the command again starts
// over. The source is read as one snapshot: a dashboard still writing to the file does not disturb
// the copy (what it writes afterwards is not copied). Text holding a NUL character (SQLite keeps
// it, PostgreSQL refuses it) is copied with U+FFFD in its place, as ingest stores it (text.ts).
import Database from 'better-sqlite3';
import type pg from 'pg';
import { StoreVersionError } from './errors.js';
import { openPostgresStore, redactUrl } from './postgres/open.js';
import { MIGRATIONS } from './sqlite/migrations.js';
import { openSqliteStore } from './sqlite/open.js';
import { withoutNul } from './text.js';
import { STORE_TABLES, type StoreTable } from './types.js';

/** Columns copied per table (the same names in both schemas). */
const BATCH = 2000;

interface MigrationResult {
  counts: Record<StoreTable, number>;
}

/**
 * The source is read, never written: a file that is not a Gatehouse dashboard (an empty one, a
 * mistyped path's new file) or that an older Gatehouse wrote (opening it would upgrade it in place)
 * is refused before anything opens it for writing.
 */
function checkSource(from: string): void {
  const db = new Database(from, { readonly: true, fileMustExist: true });
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version === 0) throw new Error(`--from ${from}: not a Gatehouse dashboard database (it holds no dashboard schema); nothing was copied`);
    if (version > MIGRATIONS.length) throw new StoreVersionError(version, MIGRATIONS.length);
    if (version < MIGRATIONS.length) {
      throw new Error(`--from ${from}: written by an older Gatehouse (schema version ${version}, this one's is ${MIGRATIONS.length}); start this Gatehouse's dashboard on it once (that upgrades the file), then migrate`);
    }
  } finally {
    db.close();
  }
}

export async function migrateSqliteToPostgres(from: string, to: string, log: (line: string) => void = () => {}): Promise<MigrationResult> {
  checkSource(from);
  const source = openSqliteStore(from);
  let target: Awaited<ReturnType<typeof openPostgresStore>>;
  let client: pg.PoolClient;
  try {
    target = await openPostgresStore(to);
    client = await target.pool.connect().catch(async (err: unknown) => {
      await target.close();
      throw err;
    });
  } catch (err) {
    // A target that cannot be reached (down, a wrong password) leaves the source file closed.
    await source.close();
    throw err;
  }
  try {
    // One read transaction on the source: a dashboard still running on the file may go on ingesting;
    // the copy and its counts are the snapshot of this moment (WAL readers do not block writers).
    source.db.exec('BEGIN');
    const sourceCounts = await source.tableCounts();
    await client.query('BEGIN');
    // No other process writes while the copy runs; the emptiness check below is then still true at COMMIT.
    await client.query(`LOCK TABLE ${STORE_TABLES.join(', ')}, meta, service_versions IN EXCLUSIVE MODE`);
    const existing = {} as Record<StoreTable, number>;
    for (const t of STORE_TABLES) existing[t] = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n;
    const nonEmpty = STORE_TABLES.filter((t) => existing[t] > 0);
    if (nonEmpty.length > 0) throw new Error(`the target ${redactUrl(to)} is not empty (${nonEmpty.map((t) => `${t}: ${existing[t]}`).join(', ')}); migrate into a new database`);
    for (const table of STORE_TABLES) {
      const rows = source.db.prepare(`SELECT * FROM ${table}`).iterate() as IterableIterator<Record<string, unknown>>;
      let batch: Record<string, unknown>[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        const columns = Object.keys(batch[0]);
        const values: unknown[] = [];
        const tuples = batch.map((row, i) => `(${columns.map((c, j) => {
          const v = row[c];
          values.push(typeof v === 'string' ? withoutNul(v) : v);
          return `$${i * columns.length + j + 1}`;
        }).join(', ')})`);
        await client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, values);
        batch = [];
      };
      for (const row of rows) {
        batch.push(row);
        if (batch.length * Object.keys(row).length >= BATCH * 8) await flush();
      }
      await flush();
      log(`${table}: ${sourceCounts[table]} rows`);
    }
    // Serial ids continue after the copied ones.
    for (const table of ['services', 'scans', 'findings', 'finding_events', 'audit', 'triage_events']) {
      await client.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), COALESCE((SELECT max(id) FROM ${table}), 0) + 1, false)`);
    }
    const version = source.db.prepare("SELECT value FROM meta WHERE key = 'data_version'").get() as { value: number } | undefined;
    // Versions only grow: a dashboard already running on the target may have cached answers under
    // its old ones. Every copied service gets the new global version (store/versions.ts).
    await client.query("UPDATE meta SET value = GREATEST(value + 1, $1) WHERE key = 'data_version'", [(version?.value ?? 0) + 1]);
    await client.query("INSERT INTO service_versions (service_id, version) SELECT id, (SELECT value FROM meta WHERE key = 'data_version') FROM services");
    const copied = {} as Record<StoreTable, number>;
    for (const t of STORE_TABLES) copied[t] = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n;
    const wrong = STORE_TABLES.filter((t) => copied[t] !== sourceCounts[t]);
    if (wrong.length > 0) throw new Error(`row counts differ after the copy (${wrong.map((t) => `${t}: ${sourceCounts[t]} -> ${copied[t]}`).join(', ')}); nothing was kept`);
    await client.query('COMMIT');
    // Planner statistics of what was just copied. Without them PostgreSQL plans from guesses until
    // autovacuum analyzes the tables (a minute or more after the copy): a service page's
    // lifecycle-events read scanned every finding event (55 ms at 500 services x 365 days instead
    // of 2 ms). ANALYZE reads a bounded sample per table (seconds even at 10 million findings).
    // The copy is committed whatever happens here: a failed ANALYZE is said, autovacuum does it later.
    try {
      await client.query(`ANALYZE ${[...STORE_TABLES, 'meta', 'service_versions'].join(', ')}`);
      log('planner statistics gathered (ANALYZE)');
    } catch (err) {
      log(`planner statistics not gathered (autovacuum will): ${(err as Error).message}`);
    }
    return { counts: copied };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    if (source.db.inTransaction) source.db.exec('COMMIT');
    client.release();
    await target.close();
    await source.close();
  }
}
