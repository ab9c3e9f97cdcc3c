// Both store backends for the same tests: a temporary SQLite file, and a fresh database on a real
// PostgreSQL server — $GATEHOUSE_TEST_PG_URL (.ci/run starts one), else a throwaway server this
// process starts with scripts/postgres-throwaway.sh. Without one the tests fail; nothing is skipped.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, beforeEach } from 'vitest';
import { isPostgresUrl } from '../../../dashboard/store/postgres/open.js';
import { openStore } from '../../../dashboard/store/store.js';
import type { Store, StoreOptions } from '../../../dashboard/store/types.js';

export const BACKENDS = ['sqlite', 'postgres'] as const;
export type Backend = (typeof BACKENDS)[number];

let serverUrl: Promise<string> | undefined;

/** The URL of a PostgreSQL server for tests (started once per test process when none is given). */
export function testPostgresServer(): Promise<string> {
  serverUrl ??= (async () => {
    if (process.env.GATEHOUSE_TEST_PG_URL) return process.env.GATEHOUSE_TEST_PG_URL;
    const started = spawnSync('bash', ['scripts/postgres-throwaway.sh', 'start'], { encoding: 'utf8' });
    const dir = /data folder (\S+)/.exec(started.stderr ?? '')?.[1];
    const url = (started.stdout ?? '').trim();
    if (started.status !== 0 || !dir || !url) {
      throw new Error(`no PostgreSQL for the store tests: set GATEHOUSE_TEST_PG_URL or install the server (apt-get install -y postgresql): ${started.stderr}`);
    }
    process.once('exit', () => {
      try {
        execFileSync('bash', ['scripts/postgres-throwaway.sh', 'stop', dir], { stdio: 'ignore' });
      } catch {
        // already gone
      }
    });
    return url;
  })();
  return serverUrl;
}

/** A new, empty database on the test server; returns its URL and a function that drops it. */
export async function freshPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const server = await testPostgresServer();
  const name = `gatehouse_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A store location of the backend (a file or a database) that a test may open several times. */
export async function storeLocation(backend: Backend): Promise<{ location: string; cleanup: () => Promise<void> }> {
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-store-'));
    return { location: join(dir, 'dash.db'), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const db = await freshPostgresDatabase();
  return { location: db.url, cleanup: db.drop };
}

export async function openTestStore(location: string, options?: StoreOptions): Promise<Store> {
  return openStore(location, options);
}

/**
 * A fresh store of the backend for each test of the enclosing describe: opened before each, handed
 * to `use` with its location (a test may open it again, or reach its database directly), closed and
 * its file or database removed after each.
 */
export function freshStoreEach(backend: Backend, use: (store: Store, location: string) => void): void {
  let cleanup: () => Promise<void>;
  let store: Store;
  beforeEach(async () => {
    const made = await storeLocation(backend);
    cleanup = made.cleanup;
    store = await openTestStore(made.location);
    use(store, made.location);
  });
  afterEach(async () => {
    await store.close();
    await cleanup();
  });
}

/**
 * Everything a store at `location` holds, to search for a value that must be stored nowhere:
 * a SQLite store's file and its WAL, byte for byte (free pages included); a PostgreSQL database's
 * every row of every table outside the system schemas (pg_*, information_schema), each in its text
 * form (TOASTed values decompressed). The store may be open meanwhile.
 */
export async function allStoredText(location: string): Promise<Buffer> {
  if (!isPostgresUrl(location)) {
    const wal = `${location}-wal`;
    return Buffer.concat([readFileSync(location), existsSync(wal) ? readFileSync(wal) : Buffer.alloc(0)]);
  }
  const client = new pg.Client({ connectionString: location });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(
      `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
        ORDER BY 1`,
    );
    if (tables.rows.length === 0) throw new Error(`no tables in ${location}: not a store`);
    const parts: string[] = [];
    for (const { name } of tables.rows) {
      const { rows } = await client.query<{ text: string | null }>(`SELECT string_agg(x::text, E'\\n') AS text FROM ${name} x`);
      parts.push(`${name}\n${rows[0].text ?? ''}\n`);
    }
    return Buffer.from(parts.join(''), 'utf8');
  } finally {
    await client.end();
  }
}

/** `sqlite` or `postgres` on a connection of its own to the database of the store at `location` (the store may be open meanwhile). */
async function onStoreDatabase<T>(location: string, readonly: boolean, sqlite: (db: Database.Database) => T, postgres: (client: pg.Client) => Promise<T>): Promise<T> {
  if (!isPostgresUrl(location)) {
    const db = new Database(location, { readonly });
    try {
      return sqlite(db);
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: location });
  await client.connect();
  try {
    return await postgres(client);
  } finally {
    await client.end();
  }
}

/**
 * The rows of `sql` (written for both dialects) read straight from the database of the store at
 * `location`, beside the store (a read-only connection on SQLite). PostgreSQL gives a count or a
 * BIGINT as a string: compare through Number().
 */
export function queryStoreDatabase<T = Record<string, unknown>>(location: string, sql: string): Promise<T[]> {
  return onStoreDatabase(location, true, (db) => db.prepare(sql).all() as T[], async (client) => (await client.query(sql)).rows as T[]);
}

/** Runs `sql` (statements of the store's own dialect) on the database of the store at `location`, beside the store. */
export function execOnStoreDatabase(location: string, sql: string): Promise<void> {
  return onStoreDatabase(
    location,
    false,
    (db) => void db.exec(sql),
    async (client) => void (await client.query(sql)),
  );
}
