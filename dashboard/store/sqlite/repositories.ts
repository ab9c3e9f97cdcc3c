// The repository each named service's scans come from, for the push's check before it sends any
// service (api/scan-check.ts): the same rule as ingest's (the latest scan naming one).
import type Database from 'better-sqlite3';
import type { RepositoryStore } from '../types.js';

export function createSqliteRepositories(db: Database.Database): RepositoryStore {
  const repositoryOf = db.prepare<[string], { repository: string }>(
    `SELECT sc.repository FROM services s JOIN scan_services ss ON ss.service_id = s.id JOIN scans sc ON sc.id = ss.scan_pk
     WHERE s.name = ? AND sc.repository IS NOT NULL ORDER BY ss.created_at DESC, ss.scan_pk DESC LIMIT 1`,
  );
  return {
    async repositoriesOf(services) {
      const known = new Map<string, string>();
      for (const name of services) {
        const row = repositoryOf.get(name);
        if (row) known.set(name, row.repository);
      }
      return known;
    },
  };
}
