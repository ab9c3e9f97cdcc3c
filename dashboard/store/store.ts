// The SQLite store (better-sqlite3): WAL, foreign keys, migrations by user_version, every statement
// prepared once. One transaction per ingested report, so a crash never leaves half a scan.
import { createHash, randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { SEVERITIES, type Finding, type Severity } from '../../src/findings/finding.js';
import { SEVERITY_RANK } from '../../src/findings/severity.js';
import type { ScanReport } from '../../src/report/scan-report.js';
import { migrate } from './migrations.js';
import { addDays, dayOf, daysBetween } from './days.js';
import {
  DEFAULT_SLA_DAYS,
  STALE_AFTER_DAYS,
  type AuditEntry,
  type FindingDetail,
  type FindingFilter,
  type FindingRow,
  type GateOutcome,
  type IngestResult,
  type LifecycleEvent,
  type NewToken,
  type PosturePoint,
  type Role,
  type ScanSummary,
  type ServiceDetail,
  type ServiceOverview,
  type SessionInfo,
  type SeverityCounts,
  type SeverityStats,
  type Store,
  type StoreOptions,
  type TokenInfo,
} from './types.js';

const DAY_MS = 86_400_000;
const TREND_DAYS = 30;
const DEFAULT_SESSION_TTL_MS = 12 * 3600_000;
/** lastUsedAt is written at most this often per token, so reads do not turn into writes. */
const LAST_USED_RESOLUTION_MS = 60_000;
/** The overview is cached per data version for at most this long (SLA ages move with the clock). */
const OVERVIEW_CACHE_MS = 300_000;

export const TOKEN_PREFIX = 'gatehouse_';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function emptyCounts(): SeverityCounts {
  return { critical: 0, high: 0, medium: 0, low: 0, info: 0, unknown: 0 };
}

function iso(value: string | Date): string {
  return (typeof value === 'string' ? new Date(value) : value).toISOString();
}

/** The short "where" text of a finding for tables: a path, an image or a package. */
export function whereText(f: Finding): string {
  const loc = f.location;
  if (loc.package) {
    const pkg = `${loc.package.name}@${loc.package.version}`;
    return loc.path ? `${loc.path} (${pkg})` : pkg;
  }
  if (loc.path) return loc.startLine ? `${loc.path}:${loc.startLine}` : loc.path;
  return loc.image ?? '';
}

/** Gate outcome of a report for one service: only the reasons about that service (or about none) count. */
function gateForService(gate: ScanReport['gate'], service: string): GateOutcome {
  if (gate.passed) return 'passed';
  const reasons = gate.reasons.filter((r) => r.service === undefined || r.service === service);
  if (reasons.length === 0) return 'passed';
  return reasons.every((r) => r.kind === 'scanner-error') ? 'scanner-error' : 'failed';
}

interface FindingDbRow {
  id: number;
  service: string;
  fingerprint: string;
  tool: string;
  category: string;
  rule_id: string;
  title: string;
  severity: string;
  where_text: string;
  fix_available: number;
  state: 'open' | 'fixed';
  suppressed: number;
  suppression: string | null;
  first_seen_at: string;
  opened_at: string;
  last_seen_at: string;
  fixed_at: string | null;
  data: string;
}

interface ServiceDbRow {
  id: number;
  name: string;
  path: string | null;
  first_seen_at: string;
  last_scan_at: string | null;
  last_snapshot_at: string | null;
  last_gate: GateOutcome | null;
}

interface TokenDbRow {
  id: string;
  role: Role;
  services: string;
  label: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

const SEVERITY_SQL_RANK = `CASE f.severity ${SEVERITIES.map((s) => `WHEN '${s}' THEN ${SEVERITY_RANK[s] * 10 + (s === 'unknown' ? 0 : 1)}`).join(' ')} END`;

const SORT_SQL: Record<NonNullable<FindingFilter['sort']>, { expr: string; defaultOrder: 'asc' | 'desc' }> = {
  severity: { expr: SEVERITY_SQL_RANK, defaultOrder: 'desc' },
  // Age: days open, up to now for open findings and up to the fix for fixed ones (`?` = now).
  age: { expr: '(julianday(COALESCE(f.fixed_at, ?)) - julianday(f.opened_at))', defaultOrder: 'desc' },
  firstSeen: { expr: 'f.first_seen_at', defaultOrder: 'desc' },
  lastSeen: { expr: 'f.last_seen_at', defaultOrder: 'desc' },
  title: { expr: 'f.title', defaultOrder: 'asc' },
  tool: { expr: 'f.tool', defaultOrder: 'asc' },
  service: { expr: 's.name', defaultOrder: 'asc' },
};

export function openStore(file: string, options: StoreOptions = {}): Store {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  // WAL + NORMAL: a crash can lose the last commits but never corrupts or half-applies one.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  // A year of history for hundreds of services is a few hundred MB: keep the hot pages in memory.
  db.pragma('cache_size = -65536');
  db.pragma('mmap_size = 268435456');
  migrate(db);

  const sla = { ...DEFAULT_SLA_DAYS, ...(options.sla ?? {}) };
  const sessionTtlMs = options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
  let version = 0;
  let overviewCache: { version: number; at: number; value: ServiceOverview[] } | undefined;

  const q = {
    // Keys of this caller's scope, and those from before scopes were kept ('').
    ingestKey: db.prepare<[string, string, string], { scope: string; body_sha256: string | null; scan_pk: number }>(
      "SELECT scope, body_sha256, scan_pk FROM ingest_keys WHERE service = ? AND scan_id = ? AND scope IN (?, '') ORDER BY scope DESC LIMIT 1",
    ),
    insertIngestKey: db.prepare<[string, string, string, string, number]>(
      'INSERT INTO ingest_keys (scope, service, scan_id, body_sha256, scan_pk) VALUES (?, ?, ?, ?, ?)',
    ),
    serviceByName: db.prepare<[string], ServiceDbRow>('SELECT * FROM services WHERE name = ?'),
    allServices: db.prepare<[], ServiceDbRow>('SELECT * FROM services ORDER BY name'),
    insertService: db.prepare<[string, string | null, string]>(
      'INSERT INTO services (name, path, first_seen_at) VALUES (?, ?, ?)',
    ),
    updateServicePath: db.prepare<[string, number]>('UPDATE services SET path = ? WHERE id = ?'),
    updateServiceLastScan: db.prepare<[string, GateOutcome, number]>(
      'UPDATE services SET last_scan_at = ?, last_gate = ? WHERE id = ?',
    ),
    updateServiceLastSnapshot: db.prepare<[string, number]>('UPDATE services SET last_snapshot_at = ? WHERE id = ?'),
    insertScan: db.prepare(
      `INSERT INTO scans (scan_id, kind, created_at, repository, ref, commit_sha, pull_request, run_url, gate_outcome,
         finding_count, ingested_at, ingested_by)
       VALUES (@scanId, @kind, @createdAt, @repository, @ref, @commit, @pullRequest, @runUrl, @gate, @findingCount,
         @ingestedAt, @ingestedBy)`,
    ),
    insertScanService: db.prepare(
      `INSERT INTO scan_services (scan_pk, service_id, kind, created_at, gate_outcome, finding_count, counts, scanners)
       VALUES (@scanPk, @serviceId, @kind, @createdAt, @gate, @findingCount, @counts, @scanners)`,
    ),
    findingsOfService: db.prepare<[number], { id: number; fingerprint: string; state: 'open' | 'fixed'; opened_at: string; severity: Severity; tool: string; category: string }>(
      'SELECT id, fingerprint, state, opened_at, severity, tool, category FROM findings WHERE service_id = ?',
    ),
    nextSnapshotAfter: db.prepare<[number, string, number], { at: string | null }>(
      "SELECT min(created_at) AS at FROM scan_services WHERE service_id = ? AND kind = 'snapshot' AND created_at > ? AND scan_pk != ?",
    ),
    findingIdByFingerprint: db.prepare<[number, string], { id: number }>(
      'SELECT id FROM findings WHERE service_id = ? AND fingerprint = ?',
    ),
    insertFinding: db.prepare(
      `INSERT INTO findings (service_id, fingerprint, tool, category, rule_id, title, severity, where_text, fix_available,
         state, suppressed, suppression, first_seen_at, opened_at, last_seen_at, fixed_at, data)
       VALUES (@serviceId, @fingerprint, @tool, @category, @ruleId, @title, @severity, @where, @fixAvailable,
         'open', @suppressed, @suppression, @at, @at, @at, NULL, @data)`,
    ),
    refreshFinding: db.prepare(
      `UPDATE findings SET tool = @tool, category = @category, rule_id = @ruleId, title = @title, severity = @severity,
         where_text = @where, fix_available = @fixAvailable, suppressed = @suppressed, suppression = @suppression,
         last_seen_at = @at, data = @data,
         state = 'open',
         opened_at = CASE WHEN state = 'fixed' THEN @at ELSE opened_at END,
         fixed_at = NULL
       WHERE id = @id`,
    ),
    fixFinding: db.prepare<[string, number]>("UPDATE findings SET state = 'fixed', fixed_at = ? WHERE id = ?"),
    insertEvent: db.prepare<[number, number, string, string, number | null]>(
      'INSERT INTO finding_events (finding_id, scan_pk, kind, at, open_seconds) VALUES (?, ?, ?, ?, ?)',
    ),
    insertFindingScan: db.prepare<[number, number]>(
      'INSERT OR IGNORE INTO finding_scans (finding_id, scan_pk) VALUES (?, ?)',
    ),
    addFixStat: db.prepare<[number, string, number]>(
      `INSERT INTO fix_stats (service_id, severity, fixed_count, open_seconds_total) VALUES (?, ?, 1, ?)
       ON CONFLICT (service_id, severity) DO UPDATE SET fixed_count = fixed_count + 1,
         open_seconds_total = open_seconds_total + excluded.open_seconds_total`,
    ),
    openCountsOfService: db.prepare<[number], { severity: Severity; n: number }>(
      "SELECT severity, count(*) AS n FROM findings WHERE service_id = ? AND state = 'open' AND suppressed = 0 GROUP BY severity",
    ),
    upsertPosture: db.prepare(
      `INSERT INTO posture_daily (service_id, day, critical, high, medium, low, info, unknown, total, snapshot_at)
       VALUES (@serviceId, @day, @critical, @high, @medium, @low, @info, @unknown, @total, @snapshotAt)
       ON CONFLICT (service_id, day) DO UPDATE SET critical = excluded.critical, high = excluded.high,
         medium = excluded.medium, low = excluded.low, info = excluded.info, unknown = excluded.unknown,
         total = excluded.total, snapshot_at = excluded.snapshot_at
       WHERE excluded.snapshot_at >= posture_daily.snapshot_at`,
    ),
    insertPostureIfAbsent: db.prepare(
      `INSERT OR IGNORE INTO posture_daily (service_id, day, critical, high, medium, low, info, unknown, total, snapshot_at)
       VALUES (@serviceId, @day, @critical, @high, @medium, @low, @info, @unknown, @total, @snapshotAt)`,
    ),
    postureRange: db.prepare<[number, string, string], PostureDbRow>(
      'SELECT * FROM posture_daily WHERE service_id = ? AND day >= ? AND day <= ? ORDER BY day',
    ),
    postureBefore: db.prepare<[number, string], PostureDbRow>(
      'SELECT * FROM posture_daily WHERE service_id = ? AND day < ? ORDER BY day DESC LIMIT 1',
    ),
    postureTotalsSince: db.prepare<[string, string], { service_id: number; day: string; total: number }>(
      'SELECT service_id, day, total FROM posture_daily WHERE day >= ? AND day <= ?',
    ),
    postureTotalBefore: db.prepare<[number, string], { total: number }>(
      'SELECT total FROM posture_daily WHERE service_id = ? AND day < ? ORDER BY day DESC LIMIT 1',
    ),
    openCountsAll: db.prepare<[], { service_id: number; severity: Severity; suppressed: number; n: number }>(
      "SELECT service_id, severity, suppressed, count(*) AS n FROM findings WHERE state = 'open' GROUP BY service_id, severity, suppressed",
    ),
    breachesAll: db.prepare<[string, string], { service_id: number; n: number }>(
      "SELECT service_id, count(*) AS n FROM findings WHERE state = 'open' AND severity = ? AND opened_at < ? AND suppressed = 0 GROUP BY service_id",
    ),
    breachesOfService: db.prepare<[number, string, string], { n: number }>(
      "SELECT count(*) AS n FROM findings WHERE service_id = ? AND state = 'open' AND severity = ? AND opened_at < ? AND suppressed = 0",
    ),
    openCountsOfServiceWithSuppressed: db.prepare<[number], { severity: Severity; suppressed: number; n: number; oldest: string }>(
      "SELECT severity, suppressed, count(*) AS n, min(opened_at) AS oldest FROM findings WHERE service_id = ? AND state = 'open' GROUP BY severity, suppressed",
    ),
    fixStatsOfService: db.prepare<[number], { severity: Severity; fixed_count: number; open_seconds_total: number }>(
      'SELECT severity, fixed_count, open_seconds_total FROM fix_stats WHERE service_id = ?',
    ),
    findingByKey: db.prepare<[string, string], FindingDbRow>(
      'SELECT f.*, s.name AS service FROM findings f JOIN services s ON s.id = f.service_id WHERE s.name = ? AND f.fingerprint = ?',
    ),
    eventsOfFinding: db.prepare<[number], { kind: LifecycleEvent['kind']; at: string; scan_id: string; open_seconds: number | null }>(
      'SELECT e.kind, e.at, sc.scan_id, e.open_seconds FROM finding_events e JOIN scans sc ON sc.id = e.scan_pk WHERE e.finding_id = ? ORDER BY e.at, e.id',
    ),
    scansOfFinding: db.prepare<[number], { scan_id: string; kind: 'snapshot' | 'pr'; created_at: string; commit_sha: string | null }>(
      `SELECT sc.scan_id, sc.kind, sc.created_at, sc.commit_sha FROM finding_scans fs JOIN scans sc ON sc.id = fs.scan_pk
       WHERE fs.finding_id = ? ORDER BY sc.created_at DESC LIMIT 100`,
    ),
    scansOfService: db.prepare<[number, number], ScanDbRow>(
      `SELECT sc.scan_id, ss.kind, ss.created_at, ss.gate_outcome, ss.counts, ss.finding_count, ss.scanners,
         sc.repository, sc.ref, sc.commit_sha, sc.pull_request, sc.run_url, sc.ingested_by
       FROM scan_services ss JOIN scans sc ON sc.id = ss.scan_pk
       WHERE ss.service_id = ? ORDER BY ss.created_at DESC, ss.scan_pk DESC LIMIT ?`,
    ),
    insertToken: db.prepare(
      `INSERT INTO tokens (id, hash, role, services, label, created_at, expires_at)
       VALUES (@id, @hash, @role, @services, @label, @createdAt, @expiresAt)`,
    ),
    allTokens: db.prepare<[], TokenDbRow>('SELECT * FROM tokens ORDER BY created_at DESC, id'),
    tokenByHash: db.prepare<[string], TokenDbRow>('SELECT * FROM tokens WHERE hash = ?'),
    tokenById: db.prepare<[string], TokenDbRow>('SELECT * FROM tokens WHERE id = ?'),
    revokeToken: db.prepare<[string, string]>('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    deleteSessionsOfToken: db.prepare<[string]>('DELETE FROM sessions WHERE token_id = ?'),
    touchToken: db.prepare<[string, string]>('UPDATE tokens SET last_used_at = ? WHERE id = ?'),
    activeAdmin: db.prepare<[], { n: number }>(
      "SELECT count(*) AS n FROM tokens WHERE role = 'admin' AND revoked_at IS NULL",
    ),
    insertSession: db.prepare<[string, string, string, string, string]>(
      'INSERT INTO sessions (hash, token_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
    ),
    sessionByHash: db.prepare<[string], { token_id: string; csrf: string; created_at: string; expires_at: string }>(
      'SELECT token_id, csrf, created_at, expires_at FROM sessions WHERE hash = ?',
    ),
    deleteSession: db.prepare<[string]>('DELETE FROM sessions WHERE hash = ?'),
    deleteExpiredSessions: db.prepare<[string]>('DELETE FROM sessions WHERE expires_at <= ?'),
    insertAudit: db.prepare<[string, string, string, string]>(
      'INSERT INTO audit (at, actor, action, detail) VALUES (?, ?, ?, ?)',
    ),
    listAudit: db.prepare<[number], { id: number; at: string; actor: string; action: string; detail: string }>(
      'SELECT * FROM audit ORDER BY id DESC LIMIT ?',
    ),
  };

  /** Dynamic finding queries (filter combinations), each prepared once and reused. */
  const dynamicStatements = new Map<string, Database.Statement>();
  function prepared(sql: string): Database.Statement {
    let st = dynamicStatements.get(sql);
    if (!st) {
      st = db.prepare(sql);
      dynamicStatements.set(sql, st);
    }
    return st;
  }

  function ensureService(name: string, path: string | null, at: string): ServiceDbRow {
    const existing = q.serviceByName.get(name);
    if (existing) {
      if (path !== null && existing.path !== path) q.updateServicePath.run(path, existing.id);
      return existing;
    }
    q.insertService.run(name, path, at);
    return q.serviceByName.get(name)!;
  }

  function findingParams(f: Finding, serviceId: number, at: string) {
    return {
      serviceId,
      fingerprint: f.fingerprint,
      tool: f.tool,
      category: f.category,
      ruleId: f.ruleId,
      title: f.title,
      severity: f.severity,
      where: whereText(f),
      fixAvailable: f.fixAvailable ? 1 : 0,
      suppressed: f.status === 'suppressed' ? 1 : 0,
      suppression: f.suppression ? JSON.stringify(f.suppression) : null,
      at,
      data: JSON.stringify(f),
    };
  }

  const ingestTransaction = db.transaction((report: ScanReport, actor: string, ingestedAt: string, scope: string): IngestResult => {
    // Every service the report speaks about: listed ones, plus any named by a finding or scanner run.
    const paths = new Map<string, string | null>();
    for (const s of report.services) paths.set(s.name, s.path);
    for (const f of report.findings) if (!paths.has(f.service)) paths.set(f.service, null);
    for (const r of report.scanners) if (!paths.has(r.service)) paths.set(r.service, null);
    const serviceNames = [...paths.keys()].sort();

    // Idempotency per (scope, service, scan id). The answer names only this report's own services,
    // which the caller may write: never what another scan with the same id covered.
    const bodySha256 = sha256Hex(JSON.stringify(report));
    const keys = serviceNames.map((name) => ({ name, key: q.ingestKey.get(name, report.scanId, scope) }));
    const taken = keys.filter((k) => k.key !== undefined);
    if (taken.length > 0) {
      const sameScan = taken.length === keys.length && taken.every((k) => k.key!.scan_pk === taken[0].key!.scan_pk);
      const sameBody = taken.every((k) => k.key!.body_sha256 === null || k.key!.body_sha256 === bodySha256);
      return {
        status: sameScan && sameBody ? 'duplicate' : 'conflict',
        scanId: report.scanId,
        services: sameScan && sameBody ? serviceNames : taken.map((k) => k.name),
        opened: 0,
        fixed: 0,
        reopened: 0,
      };
    }
    const createdAt = iso(report.createdAt);
    const day = dayOf(createdAt);

    const scanPk = Number(
      q.insertScan.run({
        scanId: report.scanId,
        kind: report.kind,
        createdAt,
        repository: report.source.repository ?? null,
        ref: report.source.ref ?? null,
        commit: report.source.commit ?? null,
        pullRequest: report.source.pullRequest ?? null,
        runUrl: report.source.runUrl ?? null,
        gate: report.gate.outcome,
        findingCount: report.findings.length,
        ingestedAt,
        ingestedBy: actor,
      }).lastInsertRowid,
    );

    for (const name of serviceNames) q.insertIngestKey.run(scope, name, report.scanId, bodySha256, scanPk);

    const result: IngestResult = {
      status: 'created',
      scanId: report.scanId,
      services: serviceNames,
      opened: 0,
      fixed: 0,
      reopened: 0,
    };

    for (const [name, path] of paths) {
      const service = ensureService(name, path, createdAt);
      // The report's findings for this service, one per fingerprint (the last one wins).
      const mine = new Map<string, Finding>();
      for (const f of report.findings) if (f.service === name) mine.set(f.fingerprint, f);
      const runs = report.scanners.filter((r) => r.service === name);
      const counts = emptyCounts();
      for (const f of mine.values()) if (f.status !== 'suppressed') counts[f.severity]++;
      const gate = gateForService(report.gate, name);
      q.insertScanService.run({
        scanPk,
        serviceId: service.id,
        kind: report.kind,
        createdAt,
        gate,
        findingCount: mine.size,
        counts: JSON.stringify(counts),
        scanners: JSON.stringify(
          runs.map((r) => ({ scanner: r.scanner, tool: r.tool, category: r.category, status: r.status, ...(r.error ? { error: r.error } : {}) })),
        ),
      });
      if (!service.last_scan_at || createdAt >= service.last_scan_at) {
        q.updateServiceLastScan.run(createdAt, gate, service.id);
      }

      const inOrderSnapshot =
        report.kind === 'snapshot' && (!service.last_snapshot_at || createdAt >= service.last_snapshot_at);
      if (report.kind === 'pr') {
        // PR scans never move the lifecycle; they record where a known finding was seen.
        for (const f of mine.values()) {
          const known = q.findingIdByFingerprint.get(service.id, f.fingerprint);
          if (known) q.insertFindingScan.run(known.id, scanPk);
        }
        continue;
      }
      if (!inOrderSnapshot) {
        // A late snapshot (older than one already ingested, e.g. matrix jobs racing) is merged
        // conservatively: known findings get the sighting; a finding nobody saw before existed then
        // and was gone by the next snapshot, so it is recorded as opened then and fixed at that one.
        const nextSnapshotAt = q.nextSnapshotAfter.get(service.id, createdAt, scanPk)!.at ?? service.last_snapshot_at!;
        for (const f of mine.values()) {
          const known = q.findingIdByFingerprint.get(service.id, f.fingerprint);
          let id = known?.id;
          if (id === undefined) {
            id = Number(q.insertFinding.run(findingParams(f, service.id, createdAt)).lastInsertRowid);
            const openSeconds = Math.max(0, Math.round((Date.parse(nextSnapshotAt) - Date.parse(createdAt)) / 1000));
            q.fixFinding.run(nextSnapshotAt, id);
            q.insertEvent.run(id, scanPk, 'opened', createdAt, null);
            q.insertEvent.run(id, scanPk, 'fixed', nextSnapshotAt, openSeconds);
            q.addFixStat.run(service.id, f.severity, openSeconds);
          }
          q.insertFindingScan.run(id, scanPk);
        }
        // It fills its own day when no later snapshot of that day already did.
        q.insertPostureIfAbsent.run({ serviceId: service.id, day, ...counts, total: sumCounts(counts), snapshotAt: createdAt });
        continue;
      }

      const known = new Map(q.findingsOfService.all(service.id).map((r) => [r.fingerprint, r]));
      for (const f of mine.values()) {
        const prior = known.get(f.fingerprint);
        const params = findingParams(f, service.id, createdAt);
        let id: number;
        if (!prior) {
          id = Number(q.insertFinding.run(params).lastInsertRowid);
          q.insertEvent.run(id, scanPk, 'opened', createdAt, null);
          result.opened++;
        } else {
          id = prior.id;
          q.refreshFinding.run({ ...params, id });
          if (prior.state === 'fixed') {
            q.insertEvent.run(id, scanPk, 'reopened', createdAt, null);
            result.reopened++;
          }
        }
        q.insertFindingScan.run(id, scanPk);
      }

      // Fixed: open before, absent now, and the scanner that finds it ran fine this time. A scanner
      // that errored (or did not run) proves nothing, so its findings stay open.
      const okTools = new Set(runs.filter((r) => r.status !== 'error').map((r) => r.tool));
      const erroredToolCategories = new Set(runs.filter((r) => r.status === 'error').map((r) => `${r.tool}\u0000${r.category}`));
      for (const prior of known.values()) {
        if (prior.state !== 'open' || mine.has(prior.fingerprint)) continue;
        if (!okTools.has(prior.tool) || erroredToolCategories.has(`${prior.tool}\u0000${prior.category}`)) continue;
        const openSeconds = Math.max(0, Math.round((Date.parse(createdAt) - Date.parse(prior.opened_at)) / 1000));
        q.fixFinding.run(createdAt, prior.id);
        q.insertEvent.run(prior.id, scanPk, 'fixed', createdAt, openSeconds);
        q.addFixStat.run(service.id, prior.severity, openSeconds);
        result.fixed++;
      }

      const open = emptyCounts();
      for (const r of q.openCountsOfService.all(service.id)) open[r.severity] = r.n;
      q.upsertPosture.run({ serviceId: service.id, day, ...open, total: sumCounts(open), snapshotAt: createdAt });
      q.updateServiceLastSnapshot.run(createdAt, service.id);
    }
    return result;
  });

  function toFindingRow(r: FindingDbRow, now: Date): FindingRow {
    const severity = r.severity as Severity;
    const end = r.state === 'open' ? now.getTime() : Date.parse(r.fixed_at ?? r.last_seen_at);
    const ageDays = Math.max(0, (end - Date.parse(r.opened_at)) / DAY_MS);
    const slaDays = sla[severity];
    return {
      service: r.service,
      fingerprint: r.fingerprint,
      tool: r.tool,
      category: r.category as FindingRow['category'],
      ruleId: r.rule_id,
      title: r.title,
      severity,
      state: r.state,
      where: r.where_text,
      fixAvailable: r.fix_available === 1,
      suppressed: r.suppressed === 1,
      firstSeenAt: r.first_seen_at,
      openedAt: r.opened_at,
      lastSeenAt: r.last_seen_at,
      fixedAt: r.fixed_at,
      ageDays: Math.round(ageDays * 10) / 10,
      slaBreached: r.state === 'open' && r.suppressed === 0 && slaDays !== undefined && ageDays > slaDays,
    };
  }

  function tokenInfo(r: TokenDbRow): TokenInfo {
    return {
      id: r.id,
      role: r.role,
      services: JSON.parse(r.services) as string[],
      label: r.label,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      revokedAt: r.revoked_at,
      lastUsedAt: r.last_used_at,
    };
  }

  function tokenUsable(r: TokenDbRow, now: Date): boolean {
    return r.revoked_at === null && (r.expires_at === null || Date.parse(r.expires_at) > now.getTime());
  }

  function computeOverview(now: Date): ServiceOverview[] {
    const services = q.allServices.all();
    const today = dayOf(now.toISOString());
    const firstTrendDay = addDays(today, -(TREND_DAYS - 1));
    const trendDays = Array.from({ length: TREND_DAYS }, (_, i) => addDays(firstTrendDay, i));

    const open = new Map<number, SeverityCounts>();
    const suppressed = new Map<number, number>();
    for (const r of q.openCountsAll.all()) {
      if (r.suppressed) {
        suppressed.set(r.service_id, (suppressed.get(r.service_id) ?? 0) + r.n);
        continue;
      }
      let c = open.get(r.service_id);
      if (!c) open.set(r.service_id, (c = emptyCounts()));
      c[r.severity] = r.n;
    }
    const breaches = new Map<number, number>();
    for (const severity of SEVERITIES) {
      const days = sla[severity];
      if (days === undefined) continue;
      const cutoff = new Date(now.getTime() - days * DAY_MS).toISOString();
      for (const r of q.breachesAll.all(severity, cutoff)) breaches.set(r.service_id, (breaches.get(r.service_id) ?? 0) + r.n);
    }
    const totals = new Map<number, Map<string, number>>();
    for (const r of q.postureTotalsSince.all(firstTrendDay, today)) {
      let m = totals.get(r.service_id);
      if (!m) totals.set(r.service_id, (m = new Map()));
      m.set(r.day, r.total);
    }

    return services.map((s) => {
      const byDay = totals.get(s.id);
      // Only a service without a snapshot on the window's first day needs the row before it.
      let carry = byDay?.has(firstTrendDay) ? 0 : (q.postureTotalBefore.get(s.id, firstTrendDay)?.total ?? 0);
      const trend = trendDays.map((day) => {
        const v = byDay?.get(day);
        if (v !== undefined) carry = v;
        return { day, total: carry };
      });
      const counts = open.get(s.id) ?? emptyCounts();
      const lastSnapshotMs = s.last_snapshot_at ? Date.parse(s.last_snapshot_at) : undefined;
      return {
        name: s.name,
        open: counts,
        openTotal: sumCounts(counts),
        suppressed: suppressed.get(s.id) ?? 0,
        trend,
        lastScanAt: s.last_scan_at,
        lastSnapshotAt: s.last_snapshot_at,
        stale: lastSnapshotMs === undefined || now.getTime() - lastSnapshotMs > STALE_AFTER_DAYS * DAY_MS,
        lastGate: s.last_gate,
        slaBreaches: breaches.get(s.id) ?? 0,
      };
    });
  }

  const store: Store = {
    db,
    sla,
    dataVersion: () => version,

    ingestScan(report, actor, scope = '*') {
      const result = ingestTransaction(report, actor, new Date().toISOString(), scope);
      if (result.status === 'created') version++;
      return result;
    },

    listServiceOverview(now = new Date()) {
      const cached = overviewCache;
      if (
        cached &&
        cached.version === version &&
        Math.abs(now.getTime() - cached.at) < OVERVIEW_CACHE_MS &&
        dayOf(now.toISOString()) === dayOf(new Date(cached.at).toISOString())
      ) {
        return cached.value;
      }
      const value = computeOverview(now);
      overviewCache = { version, at: now.getTime(), value };
      return value;
    },

    hasService: (name) => q.serviceByName.get(name) !== undefined,

    getService(name, now = new Date()) {
      const s = q.serviceByName.get(name);
      if (!s) return undefined;
      // The cached overview misses a service only when another connection (another process) added it.
      const overview =
        store.listServiceOverview(now).find((o) => o.name === name) ?? computeOverview(now).find((o) => o.name === name)!;
      const stats = {} as Record<Severity, SeverityStats>;
      const oldest = new Map<Severity, string>();
      for (const r of q.openCountsOfServiceWithSuppressed.all(s.id)) if (!r.suppressed) oldest.set(r.severity, r.oldest);
      const fixes = new Map(q.fixStatsOfService.all(s.id).map((r) => [r.severity, r]));
      for (const severity of SEVERITIES) {
        const days = sla[severity];
        const fix = fixes.get(severity);
        const oldestAt = oldest.get(severity);
        stats[severity] = {
          mttrDays: fix && fix.fixed_count > 0 ? round1(fix.open_seconds_total / fix.fixed_count / 86_400) : null,
          fixedCount: fix?.fixed_count ?? 0,
          slaDays: days ?? null,
          breaches:
            days === undefined
              ? 0
              : q.breachesOfService.get(s.id, severity, new Date(now.getTime() - days * DAY_MS).toISOString())!.n,
          oldestOpenDays: oldestAt ? round1((now.getTime() - Date.parse(oldestAt)) / DAY_MS) : null,
        };
      }
      return { ...overview, path: s.path, firstSeenAt: s.first_seen_at, stats };
    },

    postureSeries(service, { from, to }) {
      const s = q.serviceByName.get(service);
      if (!s || from > to) return [];
      const rows = new Map(q.postureRange.all(s.id, from, to).map((r) => [r.day, r]));
      let carry: PostureDbRow | undefined = q.postureBefore.get(s.id, from);
      const points: PosturePoint[] = [];
      const n = daysBetween(from, to);
      for (let i = 0; i <= n; i++) {
        const day = addDays(from, i);
        const row = rows.get(day);
        if (row) carry = row;
        if (!carry) continue;
        points.push({
          day,
          critical: carry.critical,
          high: carry.high,
          medium: carry.medium,
          low: carry.low,
          info: carry.info,
          unknown: carry.unknown,
          total: carry.total,
          snapshot: row !== undefined,
        });
      }
      return points;
    },

    listFindings(filter, now = new Date()) {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (filter.service !== undefined) {
        where.push('s.name = ?');
        params.push(filter.service);
      }
      if (filter.severity !== undefined) {
        where.push('f.severity = ?');
        params.push(filter.severity);
      }
      if (filter.category !== undefined) {
        where.push('f.category = ?');
        params.push(filter.category);
      }
      if (filter.tool !== undefined) {
        where.push('f.tool = ?');
        params.push(filter.tool);
      }
      const state = filter.state ?? 'open';
      if (state !== 'all') {
        where.push('f.state = ?');
        params.push(state);
      }
      const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const sort = SORT_SQL[filter.sort ?? 'severity'];
      const order = filter.order ?? sort.defaultOrder;
      const orderParams = filter.sort === 'age' ? [now.toISOString()] : [];
      const from = 'FROM findings f JOIN services s ON s.id = f.service_id';
      const total = (prepared(`SELECT count(*) AS n ${from} ${whereSql}`).get(...params) as { n: number }).n;
      const rows = prepared(
        `SELECT f.*, s.name AS service ${from} ${whereSql} ORDER BY ${sort.expr} ${order.toUpperCase()}, f.opened_at ASC, f.id ASC LIMIT ? OFFSET ?`,
      ).all(...params, ...orderParams, filter.limit, filter.offset) as FindingDbRow[];
      return { items: rows.map((r) => toFindingRow(r, now)), total };
    },

    getFinding(service, fingerprint, now = new Date()) {
      const r = q.findingByKey.get(service, fingerprint);
      if (!r) return undefined;
      const finding = JSON.parse(r.data) as Finding;
      return {
        row: toFindingRow(r, now),
        finding,
        events: q.eventsOfFinding.all(r.id).map((e) => ({
          kind: e.kind,
          at: e.at,
          scanId: e.scan_id,
          ...(e.open_seconds !== null ? { openDays: round1(e.open_seconds / 86_400) } : {}),
        })),
        suppression: r.suppression ? (JSON.parse(r.suppression) as FindingDetail['suppression']) : null,
        scans: q.scansOfFinding.all(r.id).map((sc) => ({
          scanId: sc.scan_id,
          kind: sc.kind,
          createdAt: sc.created_at,
          commit: sc.commit_sha,
        })),
      };
    },

    listScans(service, limit) {
      const s = q.serviceByName.get(service);
      if (!s) return [];
      return q.scansOfService.all(s.id, limit).map(
        (r): ScanSummary => ({
          scanId: r.scan_id,
          service,
          kind: r.kind,
          createdAt: r.created_at,
          gate: r.gate_outcome,
          counts: JSON.parse(r.counts) as SeverityCounts,
          findingCount: r.finding_count,
          repository: r.repository,
          ref: r.ref,
          commit: r.commit_sha,
          pullRequest: r.pull_request,
          runUrl: r.run_url,
          scanners: JSON.parse(r.scanners) as ScanSummary['scanners'],
          ingestedBy: r.ingested_by,
        }),
      );
    },

    createToken(input, now = new Date()) {
      const id = `tok_${randomBytes(6).toString('hex')}`;
      const token = input.value ?? `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
      q.insertToken.run({
        id,
        hash: sha256Hex(token),
        role: input.role,
        services: JSON.stringify(input.role === 'ingest' ? [...new Set(input.services ?? [])].sort() : []),
        label: input.label,
        createdAt: now.toISOString(),
        expiresAt: input.expiresAt ? iso(input.expiresAt) : null,
      });
      return { id, token };
    },

    listTokens: () => q.allTokens.all().map(tokenInfo),

    revokeToken(id, now = new Date()) {
      return db.transaction(() => {
        const changed = q.revokeToken.run(now.toISOString(), id).changes > 0;
        if (changed) q.deleteSessionsOfToken.run(id);
        return changed;
      })();
    },

    verifyToken(token, now = new Date()) {
      const r = q.tokenByHash.get(sha256Hex(token));
      if (!r || !tokenUsable(r, now)) return undefined;
      if (!r.last_used_at || now.getTime() - Date.parse(r.last_used_at) > LAST_USED_RESOLUTION_MS) {
        q.touchToken.run(now.toISOString(), r.id);
        r.last_used_at = now.toISOString();
      }
      return tokenInfo(r);
    },

    hasActiveAdmin: () => q.activeAdmin.get()!.n > 0,

    createSession(tokenId, now = new Date()) {
      const t = q.tokenById.get(tokenId);
      if (!t || !tokenUsable(t, now)) throw new Error(`cannot open a session for token ${tokenId}: unknown, revoked or expired`);
      q.deleteExpiredSessions.run(now.toISOString());
      const id = randomBytes(32).toString('base64url');
      const csrf = randomBytes(32).toString('base64url');
      let expiresAt = new Date(now.getTime() + sessionTtlMs).toISOString();
      // A session never outlives its token.
      if (t.expires_at && t.expires_at < expiresAt) expiresAt = t.expires_at;
      q.insertSession.run(sha256Hex(id), tokenId, csrf, now.toISOString(), expiresAt);
      return { id, csrf, expiresAt };
    },

    getSession(id, now = new Date()): SessionInfo | undefined {
      const s = q.sessionByHash.get(sha256Hex(id));
      if (!s || Date.parse(s.expires_at) <= now.getTime()) return undefined;
      const t = q.tokenById.get(s.token_id);
      if (!t || !tokenUsable(t, now)) return undefined;
      return {
        tokenId: t.id,
        role: t.role,
        services: JSON.parse(t.services) as string[],
        label: t.label,
        csrf: s.csrf,
        createdAt: s.created_at,
        expiresAt: s.expires_at,
      };
    },

    deleteSession(id) {
      q.deleteSession.run(sha256Hex(id));
    },

    addAudit(actor, action, detail, now = new Date()) {
      q.insertAudit.run(now.toISOString(), actor, action, JSON.stringify(detail));
    },

    listAudit(limit): AuditEntry[] {
      return q.listAudit.all(limit).map((r) => ({
        id: r.id,
        at: r.at,
        actor: r.actor,
        action: r.action,
        detail: JSON.parse(r.detail) as Record<string, unknown>,
      }));
    },

    checkpoint() {
      db.pragma('wal_checkpoint(TRUNCATE)');
    },

    close() {
      if (db.open) db.close();
    },
  };
  return store;
}

interface PostureDbRow extends SeverityCounts {
  service_id: number;
  day: string;
  total: number;
  snapshot_at: string;
}

interface ScanDbRow {
  scan_id: string;
  kind: 'snapshot' | 'pr';
  created_at: string;
  gate_outcome: GateOutcome;
  counts: string;
  finding_count: number;
  scanners: string;
  repository: string | null;
  ref: string | null;
  commit_sha: string | null;
  pull_request: number | null;
  run_url: string | null;
  ingested_by: string;
}

function sumCounts(c: SeverityCounts): number {
  return c.critical + c.high + c.medium + c.low + c.info + c.unknown;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
