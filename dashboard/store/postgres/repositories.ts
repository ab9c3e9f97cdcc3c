// The repository each named service's scans come from, for the push's check before it sends any
// service (api/scan-check.ts): the same rule and query as ingest's (the latest scan naming one).
import type pg from 'pg';
import type { RepositoryStore } from '../types.js';

export function createPostgresRepositories(pool: pg.Pool): RepositoryStore {
  return {
    async repositoriesOf(services) {
      const known = new Map<string, string>();
      if (services.length === 0) return known;
      const latest = await pool.query<{ name: string; repository: string }>(
        `SELECT s.name, r.repository FROM services s
         CROSS JOIN LATERAL (SELECT sc.repository FROM scan_services ss JOIN scans sc ON sc.id = ss.scan_pk
           WHERE ss.service_id = s.id AND sc.repository IS NOT NULL ORDER BY ss.created_at DESC, ss.scan_pk DESC LIMIT 1) r
         WHERE s.name = ANY($1::text[])`,
        [[...services]],
      );
      for (const r of latest.rows) known.set(r.name, r.repository);
      return known;
    },
  };
}
