// SQLite schema migrations, applied in order by `PRAGMA user_version` (the index of the last one
// applied). Never edit a shipped migration: add a new one. PostgreSQL has its own list
// (postgres/migrations.ts) with the same tables and columns, so `gatehouse dashboard migrate` copies
// rows as they are.
import type Database from 'better-sqlite3';
import { dashboardRootName } from '../../../src/report/service-name.js';
import { StoreVersionError } from '../errors.js';

export const MIGRATIONS: readonly string[] = [
  // 1: the whole first model.
  `
  CREATE TABLE services (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    path TEXT,
    first_seen_at TEXT NOT NULL,
    last_scan_at TEXT,
    last_snapshot_at TEXT,
    last_gate TEXT
  );

  -- One row per ingested report; scan_id is the idempotency key.
  CREATE TABLE scans (
    id INTEGER PRIMARY KEY,
    scan_id TEXT NOT NULL UNIQUE,
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

  -- What one report said about one service.
  CREATE TABLE scan_services (
    scan_pk INTEGER NOT NULL REFERENCES scans(id),
    service_id INTEGER NOT NULL REFERENCES services(id),
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL,
    gate_outcome TEXT NOT NULL,
    finding_count INTEGER NOT NULL,
    counts TEXT NOT NULL,
    scanners TEXT NOT NULL,
    PRIMARY KEY (scan_pk, service_id)
  ) WITHOUT ROWID;
  CREATE INDEX scan_services_by_service ON scan_services (service_id, created_at);

  -- One row per (service, fingerprint): the lifecycle lives here.
  CREATE TABLE findings (
    id INTEGER PRIMARY KEY,
    service_id INTEGER NOT NULL REFERENCES services(id),
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
  -- Both cover their queries: per-service counts/ages, and the all-services overview and SLA scans.
  CREATE INDEX findings_by_service_state ON findings (service_id, state, severity, suppressed, opened_at);
  CREATE INDEX findings_open_age ON findings (state, severity, opened_at, service_id, suppressed);

  CREATE TABLE finding_events (
    id INTEGER PRIMARY KEY,
    finding_id INTEGER NOT NULL REFERENCES findings(id),
    scan_pk INTEGER NOT NULL REFERENCES scans(id),
    kind TEXT NOT NULL CHECK (kind IN ('opened', 'fixed', 'reopened')),
    at TEXT NOT NULL,
    open_seconds INTEGER
  );
  CREATE INDEX finding_events_by_finding ON finding_events (finding_id);

  -- Which scans contained which finding.
  CREATE TABLE finding_scans (
    finding_id INTEGER NOT NULL REFERENCES findings(id),
    scan_pk INTEGER NOT NULL REFERENCES scans(id),
    PRIMARY KEY (finding_id, scan_pk)
  ) WITHOUT ROWID;

  -- MTTR, maintained at ingest: fixes and their total open time per service and severity.
  CREATE TABLE fix_stats (
    service_id INTEGER NOT NULL REFERENCES services(id),
    severity TEXT NOT NULL,
    fixed_count INTEGER NOT NULL,
    open_seconds_total INTEGER NOT NULL,
    PRIMARY KEY (service_id, severity)
  ) WITHOUT ROWID;

  -- Open (not suppressed) findings per service per day, set by the latest snapshot of that day;
  -- days without a snapshot carry the previous row forward on read.
  CREATE TABLE posture_daily (
    service_id INTEGER NOT NULL REFERENCES services(id),
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
  ) WITHOUT ROWID;
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
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL
  );
  `,

  // 2: idempotency per (caller scope, service, scan id) instead of one global scan id, so a caller
  // scoped to service A cannot take the id that B's next upload will use. `scans` is rebuilt
  // without UNIQUE (scan_id) (SQLite cannot drop a constraint); pre-existing scans get keys with no
  // scope and no body hash, which any caller's replay of that id for that service matches.
  `
  CREATE TABLE scans_v2 (
    id INTEGER PRIMARY KEY,
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
  INSERT INTO scans_v2 SELECT id, scan_id, kind, created_at, repository, ref, commit_sha, pull_request, run_url,
    gate_outcome, finding_count, ingested_at, ingested_by FROM scans;
  DROP TABLE scans;
  ALTER TABLE scans_v2 RENAME TO scans;
  CREATE INDEX scans_by_scan_id ON scans (scan_id);

  -- scope: what the caller may write ('*' = every service, else its sorted service list);
  -- body_sha256: of the validated report, so a replay with another body is told apart (409).
  CREATE TABLE ingest_keys (
    scope TEXT NOT NULL,
    service TEXT NOT NULL,
    scan_id TEXT NOT NULL,
    body_sha256 TEXT,
    scan_pk INTEGER NOT NULL REFERENCES scans(id),
    PRIMARY KEY (scope, service, scan_id)
  ) WITHOUT ROWID;
  CREATE INDEX ingest_keys_by_id ON ingest_keys (service, scan_id);
  INSERT INTO ingest_keys (scope, service, scan_id, body_sha256, scan_pk)
    SELECT '', s.name, sc.scan_id, NULL, sc.id FROM scan_services ss
      JOIN scans sc ON sc.id = ss.scan_pk JOIN services s ON s.id = ss.service_id;
  `,
  // 3: a data version row every ingest moves, so read caches of every process see every change.
  `
  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  );
  INSERT INTO meta (key, value) VALUES ('data_version', 0);
  `,
  // 4: exploitation data. KEV/EPSS columns on findings (filters and the KEV-capped SLA in SQL), an
  // index of every vulnerability id a finding carries (rule id and aliases, upper case: "which
  // services have CVE-X open"), and webhook notifications (dedup across restarts). Existing rows are
  // filled from their stored finding; vuln_ids stays NULL until the next snapshot re-indexes them with
  // the canonical id rules (exploit.ts), and a NULL never counts as "became KEV-listed".
  `
  ALTER TABLE findings ADD COLUMN kev INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE findings ADD COLUMN kev_due TEXT;
  ALTER TABLE findings ADD COLUMN epss REAL;
  ALTER TABLE findings ADD COLUMN epss_percentile REAL;
  ALTER TABLE findings ADD COLUMN vuln_ids TEXT;
  UPDATE findings SET
    kev = CASE WHEN json_type(data, '$.kev') = 'object' THEN 1 ELSE 0 END,
    kev_due = json_extract(data, '$.kev.dueDate'),
    epss = json_extract(data, '$.epss.probability'),
    epss_percentile = json_extract(data, '$.epss.percentile');
  CREATE INDEX findings_kev ON findings (state, kev, kev_due);
  CREATE INDEX findings_epss ON findings (state, epss);

  CREATE TABLE finding_ids (
    finding_id INTEGER NOT NULL REFERENCES findings(id),
    vuln_id TEXT NOT NULL,
    PRIMARY KEY (vuln_id, finding_id)
  ) WITHOUT ROWID;
  CREATE INDEX finding_ids_by_finding ON finding_ids (finding_id);
  INSERT OR IGNORE INTO finding_ids (finding_id, vuln_id)
    SELECT id, upper(trim(rule_id)) FROM findings WHERE category IN ('dependency', 'container');
  INSERT OR IGNORE INTO finding_ids (finding_id, vuln_id)
    SELECT f.id, upper(trim(j.value)) FROM findings f, json_each(f.data, '$.aliases') j WHERE j.type = 'text';

  -- One row per notification event (event|service|fingerprint|openedAt): never sent twice.
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
  // 5: triage decisions on findings (false positive, accepted risk until a date, not affected) and
  // their history; the overview's gate follows default-branch snapshots only (PR scans have their own
  // view), recomputed here from each service's latest snapshot.
  `
  CREATE TABLE triage (
    finding_id INTEGER PRIMARY KEY REFERENCES findings(id),
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
    id INTEGER PRIMARY KEY,
    finding_id INTEGER NOT NULL REFERENCES findings(id),
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
  // 6: a `triager` role (between viewer and admin: reads everything, sets triage decisions); triage
  // decisions and their history keyed by service and fingerprint instead of a finding row, so a
  // finding only a pull request has seen can be triaged (its rule id and title are kept with the
  // decision); and the blocking findings of each failing PR scan (`pr_findings`), which the PR view
  // lists (PR scans never create findings rows). `tokens` is rebuilt for its CHECK constraint.
  `
  CREATE TABLE tokens_v6 (
    id TEXT PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'triager', 'viewer', 'ingest')),
    services TEXT NOT NULL,
    label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    revoked_at TEXT,
    last_used_at TEXT
  );
  INSERT INTO tokens_v6 SELECT id, hash, role, services, label, created_at, expires_at, revoked_at, last_used_at FROM tokens;
  DROP TABLE tokens;
  ALTER TABLE tokens_v6 RENAME TO tokens;

  DROP VIEW findings_triaged;
  CREATE TABLE triage_v6 (
    service_id INTEGER NOT NULL REFERENCES services(id),
    fingerprint TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    title TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('false_positive', 'accepted_risk', 'not_affected')),
    justification TEXT,
    reason TEXT NOT NULL,
    owner TEXT,
    expires_at TEXT,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    PRIMARY KEY (service_id, fingerprint)
  );
  INSERT INTO triage_v6 SELECT f.service_id, f.fingerprint, f.rule_id, f.title, t.status, t.justification, t.reason, t.owner,
    t.expires_at, t.decided_by, t.decided_at FROM triage t JOIN findings f ON f.id = t.finding_id;
  DROP TABLE triage;
  ALTER TABLE triage_v6 RENAME TO triage;
  CREATE INDEX triage_by_expiry ON triage (expires_at);

  CREATE TABLE triage_events_v6 (
    id INTEGER PRIMARY KEY,
    service_id INTEGER NOT NULL REFERENCES services(id),
    fingerprint TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('set', 'cleared', 'expired')),
    status TEXT,
    justification TEXT,
    reason TEXT,
    owner TEXT,
    expires_at TEXT,
    actor TEXT NOT NULL,
    at TEXT NOT NULL
  );
  INSERT INTO triage_events_v6 SELECT e.id, f.service_id, f.fingerprint, e.action, e.status, e.justification, e.reason, e.owner,
    e.expires_at, e.actor, e.at FROM triage_events e JOIN findings f ON f.id = e.finding_id;
  DROP TABLE triage_events;
  ALTER TABLE triage_events_v6 RENAME TO triage_events;
  CREATE INDEX triage_events_by_finding ON triage_events (service_id, fingerprint, id);

  CREATE VIEW findings_triaged AS
    SELECT f.id, f.service_id, f.severity, f.state, f.opened_at,
      CASE WHEN f.suppressed = 1 OR t.service_id IS NOT NULL THEN 1 ELSE 0 END AS suppressed
    FROM findings f LEFT JOIN triage t ON t.service_id = f.service_id AND t.fingerprint = f.fingerprint;

  CREATE TABLE pr_findings (
    scan_pk INTEGER NOT NULL REFERENCES scans(id),
    service_id INTEGER NOT NULL REFERENCES services(id),
    fingerprint TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    title TEXT NOT NULL,
    severity TEXT NOT NULL,
    where_text TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (scan_pk, service_id, fingerprint)
  ) WITHOUT ROWID;
  CREATE INDEX pr_findings_by_fingerprint ON pr_findings (service_id, fingerprint, scan_pk);
  `,
  // 7: per-service data versions (store/versions.ts): an ingest or triage change of one service moves
  // its version and the global one, so cached pages of the other services stay valid in every process.
  `
  CREATE TABLE service_versions (
    service_id INTEGER PRIMARY KEY REFERENCES services(id),
    version INTEGER NOT NULL
  );
  CREATE INDEX service_versions_by_version ON service_versions (version);
  INSERT INTO service_versions (service_id, version) SELECT id, (SELECT value FROM meta WHERE key = 'data_version') FROM services;
  `,
  // 8: the per-service summary of open findings (store/summary.ts): open and
  // suppressed counts and the oldest open finding per service and severity, kept by ingest and
  // triage, so the overview reads rows per service instead of grouping every finding. Filled here.
  `
  CREATE TABLE service_summary (
    service_id INTEGER NOT NULL REFERENCES services(id),
    severity TEXT NOT NULL,
    open_count INTEGER NOT NULL,
    suppressed_count INTEGER NOT NULL,
    oldest_open TEXT,
    PRIMARY KEY (service_id, severity)
  ) WITHOUT ROWID;
  INSERT INTO service_summary (service_id, severity, open_count, suppressed_count, oldest_open)
    SELECT service_id, severity, sum(1 - suppressed), sum(suppressed), min(CASE WHEN suppressed = 0 THEN opened_at END)
    FROM findings_triaged WHERE state = 'open' GROUP BY service_id, severity;
  `,
  // 9: a service that left its repository (store/retire.ts): the repository each service belongs to
  // (its latest scan naming one, as the repository rule reads it; filled here, kept by ingest) and
  // when a snapshot of that repository no longer held it.
  `
  ALTER TABLE services ADD COLUMN repository TEXT;
  ALTER TABLE services ADD COLUMN retired_at TEXT;
  UPDATE services SET repository = (SELECT sc.repository FROM scan_services ss JOIN scans sc ON sc.id = ss.scan_pk
    WHERE ss.service_id = services.id AND sc.repository IS NOT NULL ORDER BY ss.created_at DESC, ss.scan_pk DESC LIMIT 1);
  CREATE INDEX services_by_repository ON services (repository) WHERE retired_at IS NULL;
  `,
  // 10: the folder each service lives at within its repository (the scan root + its path, from its
  // newest snapshot), so a snapshot of one folder of a monorepo (one CI job per folder) retires only
  // services inside that folder (store/retire.ts). Unknown (NULL) until the service's next snapshot:
  // older scans did not say which folder they ran from, so only a whole-repository snapshot retires it.
  `
  ALTER TABLE services ADD COLUMN repository_folder TEXT;
  `,
  // 11: a repository's root service is `<repository name>-root` (src/report/service-name.ts), so
  // every repository's files outside its service folders are a service of their own: the `(root)`
  // stored so far (one, the first repository's) takes its new name with its history, triage and
  // ingest keys, audited. Kept as it is when its repository is unknown or the name is taken.
  `
  CREATE TEMP TABLE root_rename AS
    SELECT id, repository, gatehouse_root_name(repository) AS name FROM services
    WHERE name = '(root)' AND repository IS NOT NULL AND gatehouse_root_name(repository) IS NOT NULL
      AND gatehouse_root_name(repository) NOT IN (SELECT name FROM services);
  UPDATE ingest_keys SET service = (SELECT name FROM root_rename) WHERE service = '(root)' AND EXISTS (SELECT 1 FROM root_rename);
  UPDATE services SET name = (SELECT r.name FROM root_rename r WHERE r.id = services.id) WHERE id IN (SELECT id FROM root_rename);
  INSERT INTO audit (at, actor, action, detail)
    SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'migration', 'service.rename', json_object('from', '(root)', 'to', name, 'repository', repository) FROM root_rename;
  DROP TABLE root_rename;
  `,
];

/**
 * Applies every migration past the file's user_version, each in its own transaction. Foreign keys
 * are off while a migration runs (a table rebuild drops and renames a referenced table, SQLite's
 * documented procedure) and checked before it commits.
 */
export function migrate(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new StoreVersionError(current, MIGRATIONS.length);
  }
  if (current === MIGRATIONS.length) return current;
  // Migration 10 names a repository's root service as the push does (one rule, in TypeScript).
  db.function('gatehouse_root_name', { deterministic: true }, (repository: unknown) => (typeof repository === 'string' ? (dashboardRootName(repository) ?? null) : null));
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
  db.pragma('foreign_keys = OFF');
  try {
    for (let v = current; v < MIGRATIONS.length; v++) {
      db.transaction(() => {
        db.exec(MIGRATIONS[v]);
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length > 0) throw new Error(`migration ${v + 1} broke ${broken.length} foreign key reference(s)`);
        db.pragma(`user_version = ${v + 1}`);
      })();
    }
  } finally {
    db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
  }
  return MIGRATIONS.length;
}
