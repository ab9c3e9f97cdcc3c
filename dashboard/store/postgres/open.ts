// Opening a PostgreSQL store: a connection pool, the schema check and migrations, and the three
// parts over it. Errors name the host and database, never the password.
import pg from 'pg';
import { StoreConnectionError, StoreVersionError } from '../errors.js';
import { DEFAULT_SLA_DAYS, STORE_TABLES, type Store, type StoreOptions, type StoreTable } from '../types.js';
import { createPostgresAuth } from './auth.js';
import { createPostgresIngest } from './ingest.js';
import { createPostgresNotify } from './notify.js';
import { migratePostgres } from './migrations.js';
import { createDataVersion, createPostgresRead } from './read.js';
import { createPostgresRepositories } from './repositories.js';
import { createPostgresTriage } from './triage.js';

export interface PostgresStore extends Store {
  readonly backend: 'postgres';
  readonly pool: pg.Pool;
}

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** Query parameters of a connection string that hold a secret (pg reads `password` there too). */
const SECRET_PARAMS = new Set(['password', 'sslpassword']);

/** The connection string without its passwords, in its user part or its query (for messages and logs). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '****';
    for (const key of [...u.searchParams.keys()]) if (SECRET_PARAMS.has(key.toLowerCase())) u.searchParams.set(key, '****');
    // URLSearchParams writes the mask percent-encoded.
    return u.toString().replaceAll('%2A%2A%2A%2A', '****');
  } catch {
    return 'postgres://(unparsable connection string)';
  }
}

/**
 * A location that is no file path nor URL but a libpq key/value connection string (`host=...
 * dbname=... password=...`, any key first), or that names a password anywhere: not supported (pg
 * reads URLs), and without this check it would be taken as a SQLite file name, created, and printed
 * with its password.
 */
export function looksLikeKeyValueConnection(location: string): boolean {
  return /^\s*[a-z_]+\s*=/i.test(location) || /password\s*=/i.test(location);
}

/**
 * Connections per process unless StoreOptions.poolSize says otherwise. Each PostgreSQL backend pays
 * for itself once more per connection: it parses and plans every prepared statement, fills its own
 * catalog caches, and maps each page of the shared buffers it touches the first time (measured on
 * the bench machine: ~14 us of CPU per 4 KB page, ~0.45 s per backend over 128 MB of shared buffers).
 * With 16, a burst of 32 requests after a start spread its reads over 16 cold backends: all misses
 * over 300 services at 10M-like rows cost PostgreSQL 4.3 ms per findings page and 1.5 ms per posture
 * series, against 2.3 and 0.6 with 8 (and 1.8 and 0.5 with 4). Short indexed reads keep a few
 * backends busy at once; 8 leaves room for long holders (an ingest's transaction, ingests waiting for
 * the ingest lock, the overview's parallel reads). The data-version reads have one more connection of
 * their own. With PostgreSQL's shared memory on huge pages the first touches cost next to nothing and
 * 4 saved no CPU over 8 (docs/dashboard.md, PostgreSQL).
 */
export const DEFAULT_POOL_SIZE = 8;

export async function openPostgresStore(url: string, options: StoreOptions = {}): Promise<PostgresStore> {
  // Short indexed reads: compiling a plan with JIT (on by default since PostgreSQL 12, for plans the
  // planner thinks costly, like the overview's counts over every open finding) costs more than it
  // saves. Set as a startup parameter of every connection (a query on 'connect' would run while the
  // pool hands the client its first query: two queries at once on one client). An `options` in the
  // connection string wins over this one.
  // Idle connections stay open (pg's default closes them after 10 s): a new connection parses and
  // plans every prepared statement again with the server's catalog caches cold, 15-20 ms more per
  // statement on its first reads (measured at 10 million findings), which the first requests of
  // every burst after a quiet moment paid.
  const poolOf = (max: number) => {
    const made = new pg.Pool({ connectionString: url, max, idleTimeoutMillis: 0, connectionTimeoutMillis: 10_000, options: '-c jit=off' });
    // An idle client losing its server must not crash the process; the next query reports it.
    made.on('error', () => undefined);
    // A checked-out client whose server connection dies emits 'error'; the query in flight rejects with
    // it already, so the event itself needs no handling beyond not crashing the process.
    made.on('connect', (client) => {
      client.on('error', () => undefined);
    });
    return made;
  };
  const where = redactUrl(url);
  // pg parses the string as a URL: one it cannot is said as such, not as a connection failure.
  if (!URL.canParse(url)) throw new StoreConnectionError(`not a valid PostgreSQL connection URL (${where}): expected a URL such as postgres://gatehouse@db.example.com:5432/gatehouse (the password after the user name and a colon, or in PGPASSWORD)`);
  const pool = poolOf(options.poolSize ?? DEFAULT_POOL_SIZE);
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    await pool.end().catch(() => undefined);
    const code = (err as { code?: string }).code;
    const why = code === '28P01' ? 'password authentication failed' : code === 'ECONNREFUSED' ? 'connection refused (is the server running?)' : ((err as Error).message ?? String(err)).replaceAll(url, where);
    throw new StoreConnectionError(`cannot connect to PostgreSQL at ${where}: ${why}`);
  }
  try {
    await migratePostgres(client);
  } catch (err) {
    client.release();
    await pool.end().catch(() => undefined);
    if (err instanceof StoreVersionError) throw err;
    throw new StoreConnectionError(`cannot prepare the schema on ${where}: ${(err as Error).message}`);
  }
  client.release();
  const sla = { ...DEFAULT_SLA_DAYS, ...(options.sla ?? {}) };
  // The data versions on a connection of their own (one more per process): every request reads
  // them first (one read shared by the requests asking while it is in flight), a cached answer reads
  // nothing else. Through the pool that read queued behind whatever held its connections: a burst's
  // page reads (a request then waited for a connection twice), the start-up work's overview
  // statements (seconds at 10 million findings), ingests waiting for the ingest lock.
  const versionPool = poolOf(1);
  const version = createDataVersion(versionPool);
  return {
    backend: 'postgres',
    pool,
    ...createPostgresIngest(pool, version.moved),
    ...createPostgresRead(pool, sla, version),
    ...createPostgresAuth(pool, options.sessionTtlMs),
    ...createPostgresNotify(pool),
    ...createPostgresTriage(pool, version.moved),
    ...createPostgresRepositories(pool),
    async tableCounts() {
      const counts = {} as Record<StoreTable, number>;
      for (const t of STORE_TABLES) counts[t] = (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n;
      return counts;
    },
    async checkpoint() {},
    async close() {
      await versionPool.end();
      await pool.end();
    },
  };
}
