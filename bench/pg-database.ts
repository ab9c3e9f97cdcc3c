// A throwaway database on a PostgreSQL server for one bench run (the benches never touch a database
// they did not make, except one named on purpose, e.g. GATEHOUSE_BENCH_PG_DB).
import pg from 'pg';

/** A fresh database named `<prefix>_<time>` on `server`; `drop` removes it (and its connections). */
export async function createPgDatabase(server: string, prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(server);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
