// PostgreSQL schema migrations: the same tables and columns as SQLite's (sqlite/migrations.ts), so
// `gatehouse dashboard migrate` copies rows as they are. Timestamps stay ISO 8601 UTC text, so both
// backends compare and sort them the same way. Applied in order under an advisory lock (several
// dashboard processes may start at once); the version is the row in gatehouse_schema.
import type pg from 'pg';
import { StoreVersionError } from '../errors.js';

export const PG_MIGRATIONS: readonly string[] = [
  // 1: the whole model as of SQLite migration 3.
  `
  CREATE TABLE services (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    path TEXT,
    first_seen_at TEXT NOT NULL,
    last_scan_at TEXT,
    last_snapshot_at TEXT,
    last_gate TEXT
  );
  CREATE TABLE scans (
    id BIGSERIAL PRIMARY KEY,
    scan_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('snapshot', 'pr')),
    created_at TEXT NOT NULL,
    repository TEXT,
    ref TEXT,
    commit_sha TEXT,
    pull_request INTEGER,
    run_url TEXT,
    gate_outcome TEXT NOT NULL,
    finding_count INTEGER NOT NULL,
    ingested_at TEXT NOT NULL,
    ingested_by TEXT NOT NULL
  );
  CREATE INDEX scans_by_scan_id ON scans (scan_id);
  CREATE TABLE scan_services (
    scan_pk BIGINT NOT NULL REFERENCES scans(id),
    service_id BIGINT NOT NULL REFERENCES services(id),
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL,
    gate_outcome TEXT NOT NULL,
    finding_count INTEGER NOT NULL,
    counts TEXT NOT NULL,
    scanners TEXT NOT NULL,
    PRIMARY KEY (scan_pk, service_id)
  );
  CREATE INDEX scan_services_by_service ON scan_services (service_id, created_at);
  CREATE TABLE findings (
    id BIGSERIAL PRIMARY KEY,
    service_id BIGINT NOT NULL REFERENCES services(id),
    fingerprint TEXT NOT NULL,
    tool TEXT NOT NULL,
    category TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    title TEXT NOT NULL,
    severity TEXT NOT NULL,
    where_text TEXT NOT NULL,
    fix_available INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open', 'fixed')),
    suppressed INTEGER NOT NULL DEFAULT 0,
    suppression TEXT,
    first_seen_at TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    fixed_at TEXT,
    data TEXT NOT NULL,
    UNIQUE (service_id, fingerprint)
  );
  CREATE INDEX findings_by_service_state ON findings (service_id, state, severity, suppressed, opened_at);
  CREATE INDEX findings_open_age ON findings (state, severity, opened_at, service_id, suppressed);
  CREATE TABLE finding_events (
    id BIGSERIAL PRIMARY KEY,
    finding_id BIGINT NOT NULL REFERENCES findings(id),
    scan_pk BIGINT NOT NULL REFERENCES scans(id),
    kind TEXT NOT NULL CHECK (kind IN ('opened', 'fixed', 'reopened')),
    at TEXT NOT NULL,
    open_seconds BIGINT
  );
  CREATE INDEX finding_events_by_finding ON finding_events (finding_id);
  CREATE TABLE finding_scans (
    finding_id BIGINT NOT NULL REFERENCES findings(id),
    scan_pk BIGINT NOT NULL REFERENCES scans(id),
    PRIMARY KEY (finding_id, scan_pk)
  );
  CREATE TABLE fix_stats (
    service_id BIGINT NOT NULL REFERENCES services(id),
    severity TEXT NOT NULL,
    fixed_count BIGINT NOT NULL,
    open_seconds_total BIGINT NOT NULL,
    PRIMARY KEY (service_id, severity)
  );
  CREATE TABLE posture_daily (
    service_id BIGINT NOT NULL REFERENCES services(id),
    day TEXT NOT NULL,
    critical INTEGER NOT NULL,
    high INTEGER NOT NULL,
    medium INTEGER NOT NULL,
    low INTEGER NOT NULL,
    info INTEGER NOT NULL,
    unknown INTEGER NOT NULL,
    total INTEGER NOT NULL,
    snapshot_at TEXT NOT NULL,
    PRIMARY KEY (service_id, day)
  );
  CREATE INDEX posture_by_day ON posture_daily (day, service_id, total);
  CREATE TABLE tokens (
    id TEXT PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'viewer', 'ingest')),
    services TEXT NOT NULL,
    label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    revoked_at TEXT,
    last_used_at TEXT
  );
  CREATE TABLE sessions (
    hash TEXT PRIMARY KEY,
    token_id TEXT NOT NULL REFERENCES tokens(id),
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
  );
  CREATE TABLE audit (
    id BIGSERIAL PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL
  );
  CREATE TABLE ingest_keys (
    scope TEXT NOT NULL,
    service TEXT NOT NULL,
    scan_id TEXT NOT NULL,
    body_sha256 TEXT,
    scan_pk BIGINT NOT NULL REFERENCES scans(id),
    PRIMARY KEY (scope, service, scan_id)
  );
  CREATE INDEX ingest_keys_by_id ON ingest_keys (service, scan_id);
  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value BIGINT NOT NULL
  );
  INSERT INTO meta (key, value) VALUES ('data_version', 0);
  `,
  // 2 (SQLite 4): exploitation data columns, the vulnerability id index, webhook notifications.
  `
  ALTER TABLE findings ADD COLUMN kev INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE findings ADD COLUMN kev_due TEXT;
  ALTER TABLE findings ADD COLUMN epss DOUBLE PRECISION;
  ALTER TABLE findings ADD COLUMN epss_percentile DOUBLE PRECISION;
  ALTER TABLE findings ADD COLUMN vuln_ids TEXT;
  UPDATE findings SET
    kev = CASE WHEN jsonb_typeof(data::jsonb -> 'kev') = 'object' THEN 1 ELSE 0 END,
    kev_due = data::jsonb -> 'kev' ->> 'dueDate',
    epss = (data::jsonb -> 'epss' ->> 'probability')::double precision,
    epss_percentile = (data::jsonb -> 'epss' ->> 'percentile')::double precision;
  CREATE INDEX findings_kev ON findings (state, kev, kev_due);
  CREATE INDEX findings_epss ON findings (state, epss);
  CREATE TABLE finding_ids (
    finding_id BIGINT NOT NULL REFERENCES findings(id),
    vuln_id TEXT NOT NULL,
    PRIMARY KEY (vuln_id, finding_id)
  );
  CREATE INDEX finding_ids_by_finding ON finding_ids (finding_id);
  INSERT INTO finding_ids (finding_id, vuln_id)
    SELECT id, upper(trim(rule_id)) FROM findings WHERE category IN ('dependency', 'container')
    ON CONFLICT DO NOTHING;
  INSERT INTO finding_ids (finding_id, vuln_id)
    SELECT f.id, upper(trim(a.value)) FROM findings f,
      jsonb_array_elements_text(CASE WHEN jsonb_typeof(f.data::jsonb -> 'aliases') = 'array' THEN f.data::jsonb -> 'aliases' ELSE '[]'::jsonb END) AS a(value)
    ON CONFLICT DO NOTHING;
  CREATE TABLE notifications (
    key TEXT PRIMARY KEY,
    event TEXT NOT NULL,
    service TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    last_error TEXT
  );
  `,
  // 3: as SQLite migration 5: triage decisions and their history; the gate column from snapshots only.
  `
  CREATE TABLE triage (
    finding_id BIGINT PRIMARY KEY REFERENCES findings(id),
    status TEXT NOT NULL CHECK (status IN ('false_positive', 'accepted_risk', 'not_affected')),
    justification TEXT,
    reason TEXT NOT NULL,
    owner TEXT,
    expires_at TEXT,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL
  );
  CREATE INDEX triage_by_expiry ON triage (expires_at);
  CREATE TABLE triage_events (
    id BIGSERIAL PRIMARY KEY,
    finding_id BIGINT NOT NULL REFERENCES findings(id),
    action TEXT NOT NULL CHECK (action IN ('set', 'cleared', 'expired')),
    status TEXT,
    justification TEXT,
    reason TEXT,
    owner TEXT,
    expires_at TEXT,
    actor TEXT NOT NULL,
    at TEXT NOT NULL
  );
  CREATE INDEX triage_events_by_finding ON triage_events (finding_id, id);
  -- Open counts and SLA breaches read findings through this view: a triage decision in force counts
  -- like a suppression (expired acceptances are swept out of triage, so they count again).
  CREATE VIEW findings_triaged AS
    SELECT f.id, f.service_id, f.severity, f.state, f.opened_at,
      CASE WHEN f.suppressed = 1 OR t.finding_id IS NOT NULL THEN 1 ELSE 0 END AS suppressed
    FROM findings f LEFT JOIN triage t ON t.finding_id = f.id;
  UPDATE services SET last_gate = (
    SELECT ss.gate_outcome FROM scan_services ss
    WHERE ss.service_id = services.id AND ss.kind = 'snapshot'
    ORDER BY ss.created_at DESC, ss.scan_pk DESC LIMIT 1);
  `,
  // 4: as SQLite migration 6: the triager role; triage keyed by service and fingerprint; the
  // blocking findings of failing PR scans.
  `
  ALTER TABLE tokens DROP CONSTRAINT IF EXISTS tokens_role_check;
  ALTER TABLE tokens ADD CONSTRAINT tokens_role_check CHECK (role IN ('admin', 'triager', 'viewer', 'ingest'));

  DROP VIEW findings_triaged;
  ALTER TABLE triage ADD COLUMN service_id BIGINT REFERENCES services(id);
  ALTER TABLE triage ADD COLUMN fingerprint TEXT;
  ALTER TABLE triage ADD COLUMN rule_id TEXT;
  ALTER TABLE triage ADD COLUMN title TEXT;
  UPDATE triage t SET service_id = f.service_id, fingerprint = f.fingerprint, rule_id = f.rule_id, title = f.title
    FROM findings f WHERE f.id = t.finding_id;
  ALTER TABLE triage DROP CONSTRAINT triage_pkey;
  ALTER TABLE triage DROP COLUMN finding_id;
  ALTER TABLE triage ALTER COLUMN service_id SET NOT NULL, ALTER COLUMN fingerprint SET NOT NULL,
    ALTER COLUMN rule_id SET NOT NULL, ALTER COLUMN title SET NOT NULL;
  ALTER TABLE triage ADD PRIMARY KEY (service_id, fingerprint);

  DROP INDEX triage_events_by_finding;
  ALTER TABLE triage_events ADD COLUMN service_id BIGINT REFERENCES services(id);
  ALTER TABLE triage_events ADD COLUMN fingerprint TEXT;
  UPDATE triage_events e SET service_id = f.service_id, fingerprint = f.fingerprint FROM findings f WHERE f.id = e.finding_id;
  ALTER TABLE triage_events DROP COLUMN finding_id;
  ALTER TABLE triage_events ALTER COLUMN service_id SET NOT NULL, ALTER COLUMN fingerprint SET NOT NULL;
  CREATE INDEX triage_events_by_finding ON triage_events (service_id, fingerprint, id);

  CREATE VIEW findings_triaged AS
    SELECT f.id, f.service_id, f.severity, f.state, f.opened_at,
      CASE WHEN f.suppressed = 1 OR t.service_id IS NOT NULL THEN 1 ELSE 0 END AS suppressed
    FROM findings f LEFT JOIN triage t ON t.service_id = f.service_id AND t.fingerprint = f.fingerprint;

  CREATE TABLE pr_findings (
    scan_pk BIGINT NOT NULL REFERENCES scans(id),
    service_id BIGINT NOT NULL REFERENCES services(id),
    fingerprint TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    title TEXT NOT NULL,
    severity TEXT NOT NULL,
    where_text TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (scan_pk, service_id, fingerprint)
  );
  CREATE INDEX pr_findings_by_fingerprint ON pr_findings (service_id, fingerprint, scan_pk);
  `,
  // 5 (PostgreSQL only; no column changes, SQLite keeps its keys): the ingest-only child tables
  // lose their foreign keys. Their rows are written only by ingest, in the transaction that wrote
  // (or read under the ingest lock) the finding and the scan they name, and nothing deletes findings
  // or scans; each key was a per-row trigger probing its parent, about half of a 10,000-finding
  // ingest's server time (five probes per new finding).
  `
  ALTER TABLE finding_events DROP CONSTRAINT IF EXISTS finding_events_finding_id_fkey, DROP CONSTRAINT IF EXISTS finding_events_scan_pk_fkey;
  ALTER TABLE finding_scans DROP CONSTRAINT IF EXISTS finding_scans_finding_id_fkey, DROP CONSTRAINT IF EXISTS finding_scans_scan_pk_fkey;
  ALTER TABLE finding_ids DROP CONSTRAINT IF EXISTS finding_ids_finding_id_fkey;
  `,
  // 6: as SQLite migration 7: per-service data versions (store/versions.ts).
  `
  CREATE TABLE service_versions (
    service_id BIGINT PRIMARY KEY REFERENCES services(id),
    version BIGINT NOT NULL
  );
  CREATE INDEX service_versions_by_version ON service_versions (version);
  INSERT INTO service_versions (service_id, version) SELECT id, (SELECT value FROM meta WHERE key = 'data_version') FROM services;
  `,
  // 7 (as SQLite migration 8): the per-service summary of open findings (store/summary.ts): open and
  // suppressed counts and the oldest open finding per service and severity, kept by ingest and
  // triage, so the overview reads rows per service instead of grouping every finding. Filled here.
  `
  CREATE TABLE service_summary (
    service_id BIGINT NOT NULL REFERENCES services(id),
    severity TEXT NOT NULL,
    open_count INTEGER NOT NULL,
    suppressed_count INTEGER NOT NULL,
    oldest_open TEXT,
    PRIMARY KEY (service_id, severity)
  );
  INSERT INTO service_summary (service_id, severity, open_count, suppressed_count, oldest_open)
    SELECT service_id, severity, sum(1 - suppressed), sum(suppressed), min(CASE WHEN suppressed = 0 THEN opened_at END)
    FROM findings_triaged WHERE state = 'open' GROUP BY service_id, severity;
  `,
  // 8 (PostgreSQL only): a service's posture points from the index alone. posture_daily's rows of
  // one service lie on as many heap pages as it has days (a day's snapshots of every service are
  // written together): a year of points read 377 buffers at 5,000 services x 3 years, 15 with this
  // index (index-only). SQLite keeps posture_daily WITHOUT ROWID in primary key order already.
  // Building it at 5.5 million posture rows took 20 s (load 10); IF NOT EXISTS: a database that got
  // it by hand keeps it.
  `
  CREATE INDEX IF NOT EXISTS posture_points ON posture_daily (service_id, day) INCLUDE (critical, high, medium, low, info, unknown, total);
  `,
  // 9 (PostgreSQL only): a service's open findings in the findings page's default order (severity
  // rank as finding-page.ts's SEVERITY_SQL_RANK, worst first, then opened_at and id), so a page reads
  // its own rows and stops (LIMIT), not every open finding of the service and a sort: at 5,000
  // services x 3 years the page read ~700 buffers, a heap page per open finding whether or not VACUUM
  // had marked it all-visible (a daily ingest rewrites every open finding's last_seen_at). Partial:
  // only open findings (10% of them there; 65 MB, built in 12 s at 10 million findings). SQLite
  // reads the same pick from its covering findings_by_service_state. IF NOT EXISTS: a database that
  // got it by hand keeps it.
  `
  CREATE INDEX IF NOT EXISTS findings_open_page ON findings (service_id, (CASE severity WHEN 'critical' THEN 51 WHEN 'high' THEN 41 WHEN 'medium' THEN 31 WHEN 'low' THEN 21 WHEN 'info' THEN 11 WHEN 'unknown' THEN 30 END) DESC, opened_at, id) WHERE state = 'open';
  `,
  // 10 (as SQLite migration 9): a service that left its repository (store/retire.ts): the repository
  // each service belongs to (filled here from its latest scan naming one, kept by ingest) and when a
  // snapshot of that repository no longer held it.
  `
  ALTER TABLE services ADD COLUMN repository TEXT;
  ALTER TABLE services ADD COLUMN retired_at TEXT;
  UPDATE services s SET repository = (SELECT sc.repository FROM scan_services ss JOIN scans sc ON sc.id = ss.scan_pk
    WHERE ss.service_id = s.id AND sc.repository IS NOT NULL ORDER BY ss.created_at DESC, ss.scan_pk DESC LIMIT 1);
  CREATE INDEX services_by_repository ON services (repository) WHERE retired_at IS NULL;
  `,
  // 11 (as SQLite migration 10): the folder each service lives at within its repository (the scan
  // root + its path, from its newest snapshot), so a snapshot of one folder of a monorepo retires
  // only services inside it (store/retire.ts). NULL (unknown) until the service's next snapshot.
  `
  ALTER TABLE services ADD COLUMN repository_folder TEXT;
  `,
  // 12 (as SQLite migration 11): a repository's root service is `<repository name>-root`
  // (src/report/service-name.ts dashboardRootName, written here in SQL: the last path segment
  // without .git, characters outside the name rule as "-", no leading ".", "_" or "-").
  `
  CREATE TEMP TABLE root_rename ON COMMIT DROP AS
    SELECT id, repository, left(ltrim(regexp_replace(regexp_replace(regexp_replace(rtrim(repository, '/'), '^.*/', ''), '\\.git$', '', 'i'), '[^A-Za-z0-9._-]', '-', 'g'), '._-'), 195) || '-root' AS name
    FROM services WHERE name = '(root)' AND repository IS NOT NULL;
  DELETE FROM root_rename WHERE name = '-root' OR name IN (SELECT name FROM services);
  UPDATE ingest_keys SET service = (SELECT name FROM root_rename) WHERE service = '(root)' AND EXISTS (SELECT 1 FROM root_rename);
  UPDATE services s SET name = r.name FROM root_rename r WHERE r.id = s.id;
  INSERT INTO audit (at, actor, action, detail)
    SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'migration', 'service.rename', json_build_object('from', '(root)', 'to', name, 'repository', repository)::text FROM root_rename;
  `,
];

/** One advisory lock id for schema changes, one for ingests (see ingest.ts). */
const MIGRATION_LOCK = 7_281_001;
export const INGEST_LOCK = 7_281_002;

/**
 * Applies every migration past the database's version, all in one transaction under a lock. A
 * database already at this version is only read: a role with no right to create tables (reads and
 * writes of rows only) runs a dashboard on a schema an owner migrated (docs/dashboard.md).
 */
export async function migratePostgres(client: pg.PoolClient): Promise<number> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    const present = (await client.query<{ present: boolean }>("SELECT to_regclass('gatehouse_schema') IS NOT NULL AS present")).rows[0].present;
    if (!present) await client.query('CREATE TABLE gatehouse_schema (version INTEGER NOT NULL)');
    const row = await client.query<{ version: number }>('SELECT version FROM gatehouse_schema LIMIT 1');
    const current = row.rows[0]?.version ?? 0;
    if (current > PG_MIGRATIONS.length) throw new StoreVersionError(current, PG_MIGRATIONS.length);
    if (current === PG_MIGRATIONS.length) {
      await client.query('COMMIT');
      return current;
    }
    for (let v = current; v < PG_MIGRATIONS.length; v++) await client.query(PG_MIGRATIONS[v]);
    if (row.rows.length === 0) await client.query('INSERT INTO gatehouse_schema (version) VALUES ($1)', [PG_MIGRATIONS.length]);
    else await client.query('UPDATE gatehouse_schema SET version = $1', [PG_MIGRATIONS.length]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
  return PG_MIGRATIONS.length;
}
