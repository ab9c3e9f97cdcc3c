// SQLite ingest: read the prior state of the report's services, let lifecycle.ts decide, apply the
// decisions — all inside one better-sqlite3 transaction (synchronous, so nothing interleaves), so a
// crash never leaves half a scan and a replayed scan id changes nothing (idempotency per caller
// scope, service and scan id; lifecycle.ts `replayOutcome`).
import type Database from 'better-sqlite3';
import type { ScanReport } from '../../../src/report/scan-report.js';
import { createdResult, planIngest, replayOutcome, repositoryMoves, servicePaths, type PriorFinding, type PriorService, type TakenKey } from '../lifecycle.js';
import { triagedAt } from '../triage.js';
import { exploitChanges, exploitColumns, notableOf, type StoredExploit } from '../exploit.js';
import { findingColumns, sha256Hex, type ServiceDbRow } from '../rows.js';
import type { Finding } from '../../../src/findings/finding.js';
import { sumCounts } from '../counts.js';
import { scanRootOf, serviceFolder, servicesGone, servicesOfRepositoryAt } from '../retire.js';
import { SUMMARY_REFRESH_SQL } from '../summary.js';
import type { IngestResult, IngestStore, NotableFinding, Severity } from '../types.js';
import { sqliteVersionBump } from '../versions.js';
import { ingestAuditRecords } from '../ingest-audit.js';
import { AUDIT_INSERT_SQL } from './auth.js';

export function createSqliteIngest(db: Database.Database): IngestStore {
  const q = {
    insertAudit: db.prepare<[string, string, string, string]>(AUDIT_INSERT_SQL),
    // Keys of this caller's scope, and those from before scopes were kept ('').
    ingestKey: db.prepare<[string, string, string], { scope: string; body_sha256: string | null; scan_pk: number }>(
      "SELECT scope, body_sha256, scan_pk FROM ingest_keys WHERE service = ? AND scan_id = ? AND scope IN (?, '') ORDER BY scope DESC LIMIT 1",
    ),
    insertIngestKey: db.prepare<[string, string, string, string, number]>(
      'INSERT INTO ingest_keys (scope, service, scan_id, body_sha256, scan_pk) VALUES (?, ?, ?, ?, ?)',
    ),
    serviceByName: db.prepare<[string], ServiceDbRow>('SELECT * FROM services WHERE name = ?'),
    // The repository of the service's latest scan naming one (scan_services_by_service, newest first).
    repositoryOfService: db.prepare<[number], { repository: string }>(
      `SELECT sc.repository FROM scan_services ss JOIN scans sc ON sc.id = ss.scan_pk
       WHERE ss.service_id = ? AND sc.repository IS NOT NULL ORDER BY ss.created_at DESC, ss.scan_pk DESC LIMIT 1`,
    ),
    insertService: db.prepare<[string, string | null, string]>('INSERT INTO services (name, path, first_seen_at) VALUES (?, ?, ?)'),
    updateServicePath: db.prepare<[string, number]>('UPDATE services SET path = ? WHERE id = ?'),
    setServiceRepository: db.prepare<[string, number, string]>('UPDATE services SET repository = ? WHERE id = ? AND repository IS NOT ?'),
    liveServicesOf: db.prepare<[string], { id: number; name: string; last_snapshot_at: string | null; repository_folder: string | null }>(
      'SELECT id, name, last_snapshot_at, repository_folder FROM services WHERE lower(repository) = lower(?) AND retired_at IS NULL',
    ),
    setServiceFolder: db.prepare<[string, number, string]>('UPDATE services SET repository_folder = ? WHERE id = ? AND repository_folder IS NOT ?'),
    retireService: db.prepare<[string, number]>('UPDATE services SET retired_at = ? WHERE id = ?'),
    bringBackService: db.prepare<[number]>('UPDATE services SET retired_at = NULL WHERE id = ?'),
    updateServiceLastScan: db.prepare<[string, number]>('UPDATE services SET last_scan_at = ? WHERE id = ?'),
    // The service's gate is its default branch's: a PR's verdict is the PR's (the pull-request view).
    updateServiceLastSnapshot: db.prepare<[string, string, number]>('UPDATE services SET last_snapshot_at = ?, last_gate = ? WHERE id = ?'),
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
    // The service's triage decisions (in force at the report's time: PriorService.triaged).
    triageOfService: db.prepare<[number], { fingerprint: string; expires_at: string | null; decided_at: string }>('SELECT fingerprint, expires_at, decided_at FROM triage WHERE service_id = ?'),
    findingsOfService: db.prepare<[number], { id: number; fingerprint: string; state: 'open' | 'fixed'; opened_at: string; fixed_at: string | null; severity: Severity; tool: string; category: string; suppressed: number; rule_id: string; where_text: string }>(
      'SELECT id, fingerprint, state, opened_at, fixed_at, severity, tool, category, suppressed, rule_id, where_text FROM findings WHERE service_id = ?',
    ),
    rekeyFinding: db.prepare<[string, number]>('UPDATE findings SET fingerprint = ? WHERE id = ?'),
    // A rekeyed finding's triage decision and history follow it (unless the new fingerprint has its own).
    rekeyTriage: db.prepare<{ to: string; from: string; serviceId: number }>(
      'UPDATE triage SET fingerprint = @to WHERE service_id = @serviceId AND fingerprint = @from AND NOT EXISTS (SELECT 1 FROM triage x WHERE x.service_id = @serviceId AND x.fingerprint = @to)',
    ),
    rekeyTriageEvents: db.prepare<[string, number, string]>('UPDATE triage_events SET fingerprint = ? WHERE service_id = ? AND fingerprint = ?'),
    insertPrFinding: db.prepare(
      `INSERT OR IGNORE INTO pr_findings (scan_pk, service_id, fingerprint, rule_id, title, severity, where_text, data)
       VALUES (@scanPk, @serviceId, @fingerprint, @ruleId, @title, @severity, @where, @data)`,
    ),
    nextSnapshotAfter: db.prepare<[number, string], { at: string | null }>(
      "SELECT min(created_at) AS at FROM scan_services WHERE service_id = ? AND kind = 'snapshot' AND created_at > ?",
    ),
    insertFinding: db.prepare(
      `INSERT INTO findings (service_id, fingerprint, tool, category, rule_id, title, severity, where_text, fix_available,
         state, suppressed, suppression, first_seen_at, opened_at, last_seen_at, fixed_at, data,
         kev, kev_due, epss, epss_percentile, vuln_ids)
       VALUES (@serviceId, @fingerprint, @tool, @category, @ruleId, @title, @severity, @where, @fixAvailable,
         'open', @suppressed, @suppression, @at, @at, @at, NULL, @data,
         @kev, @kevDue, @epss, @epssPercentile, @vulnIds)`,
    ),
    refreshFinding: db.prepare(
      `UPDATE findings SET tool = @tool, category = @category, rule_id = @ruleId, title = @title, severity = @severity,
         where_text = @where, fix_available = @fixAvailable, suppressed = @suppressed, suppression = @suppression,
         last_seen_at = @at, data = @data, state = 'open',
         opened_at = CASE WHEN state = 'fixed' THEN @at ELSE opened_at END, fixed_at = NULL
       WHERE id = @id`,
    ),
    fixFinding: db.prepare<[string, number]>("UPDATE findings SET state = 'fixed', fixed_at = ? WHERE id = ?"),
    insertEvent: db.prepare<[number, number, string, string, number | null]>(
      'INSERT INTO finding_events (finding_id, scan_pk, kind, at, open_seconds) VALUES (?, ?, ?, ?, ?)',
    ),
    insertFindingScan: db.prepare<[number, number]>('INSERT OR IGNORE INTO finding_scans (finding_id, scan_pk) VALUES (?, ?)'),
    addFixStat: db.prepare<[number, string, number]>(
      `INSERT INTO fix_stats (service_id, severity, fixed_count, open_seconds_total) VALUES (?, ?, 1, ?)
       ON CONFLICT (service_id, severity) DO UPDATE SET fixed_count = fixed_count + 1,
         open_seconds_total = open_seconds_total + excluded.open_seconds_total`,
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
    refreshSummary: db.prepare<[number, number]>(SUMMARY_REFRESH_SQL),
    exploitOfService: db.prepare<[number], StoredExploit & { id: number }>(
      'SELECT id, kev, kev_due, epss, epss_percentile, vuln_ids FROM findings WHERE service_id = ?',
    ),
    updateExploit: db.prepare<[number, string | null, number | null, number | null, string, number]>(
      'UPDATE findings SET kev = ?, kev_due = ?, epss = ?, epss_percentile = ?, vuln_ids = ? WHERE id = ?',
    ),
    deleteVulnIds: db.prepare<[number]>('DELETE FROM finding_ids WHERE finding_id = ?'),
    insertVulnId: db.prepare<[number, string]>('INSERT OR IGNORE INTO finding_ids (finding_id, vuln_id) VALUES (?, ?)'),
  };
  const bumpVersions = sqliteVersionBump(db);

  /**
   * A new finding, written once with its exploitation columns and its id index (a new finding
   * cannot have become KEV-listed: there was nothing before it). Returns its row id.
   */
  function insertNewFinding(serviceId: number, finding: Finding, at: string): number {
    const exploit = exploitColumns(finding);
    const id = Number(q.insertFinding.run({ serviceId, ...findingColumns(finding), at, ...exploit }).lastInsertRowid);
    for (const k of exploit.vulnIds.split(' ')) if (k) q.insertVulnId.run(id, k);
    return id;
  }

  /** Keeps the exploitation columns and the id index of the touched findings; returns those that became KEV-listed. */
  function syncExploit(serviceId: number, touched: { id: number; finding: Finding }[]): Set<string> {
    const becameKev = new Set<string>();
    if (touched.length === 0) return becameKev;
    const stored = new Map(q.exploitOfService.all(serviceId).map((r) => [r.id, r]));
    const fpById = new Map(touched.map((t) => [t.id, t.finding.fingerprint]));
    for (const ch of exploitChanges(stored, touched)) {
      const c = ch.columns;
      q.updateExploit.run(c.kev, c.kevDue, c.epss, c.epssPercentile, c.vulnIds, ch.id);
      if (ch.idsChanged) {
        q.deleteVulnIds.run(ch.id);
        for (const k of c.vulnIds.split(' ')) if (k) q.insertVulnId.run(ch.id, k);
      }
      if (ch.becameKev) becameKev.add(fpById.get(ch.id)!);
    }
    return becameKev;
  }

  const ingest = db.transaction((report: ScanReport, actor: string, ingestedAt: string, scope: string, moveRepository: boolean): IngestResult => {
    const serviceNames = [...servicePaths(report).keys()].sort();
    const bodySha256 = sha256Hex(JSON.stringify(report));
    const taken: TakenKey[] = [];
    for (const service of serviceNames) {
      const key = q.ingestKey.get(service, report.scanId, scope);
      if (key) taken.push({ service, bodySha256: key.body_sha256, scanPk: key.scan_pk });
    }
    const replay = replayOutcome(serviceNames, taken, bodySha256);
    if (replay) return { ...replay, scanId: report.scanId, opened: 0, fixed: 0, reopened: 0 };
    const createdAt = new Date(report.createdAt).toISOString();

    // The prior state of every service the report speaks about (the lifecycle's input).
    const rows = new Map<string, ServiceDbRow>();
    const ids = new Map<string, Map<string, number>>();
    const prior = new Map<string, PriorService>();
    for (const name of servicePaths(report).keys()) {
      const s = q.serviceByName.get(name);
      if (!s) continue;
      rows.set(name, s);
      const findings = new Map<string, PriorFinding>();
      const byFp = new Map<string, number>();
      for (const f of q.findingsOfService.all(s.id)) {
        findings.set(f.fingerprint, { fingerprint: f.fingerprint, state: f.state, openedAt: f.opened_at, fixedAt: f.fixed_at, severity: f.severity, tool: f.tool, category: f.category, suppressed: f.suppressed === 1, ruleId: f.rule_id, where: f.where_text });
        byFp.set(f.fingerprint, f.id);
      }
      ids.set(name, byFp);
      const late = report.kind === 'snapshot' && s.last_snapshot_at !== null && createdAt < s.last_snapshot_at;
      prior.set(name, {
        lastScanAt: s.last_scan_at,
        lastSnapshotAt: s.last_snapshot_at,
        nextSnapshotAt: late ? (q.nextSnapshotAfter.get(s.id, createdAt)?.at ?? null) : null,
        findings,
        triaged: triagedAt(q.triageOfService.all(s.id), createdAt),
      });
    }

    // Before anything is written: a report from another repository is refused as a whole.
    const known = new Map<string, string>();
    if (report.source.repository) {
      for (const [name, s] of rows) {
        const r = q.repositoryOfService.get(s.id);
        if (r) known.set(name, r.repository);
      }
    }
    const moved = repositoryMoves(report, known, moveRepository);

    const plan = planIngest(report, prior);
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
    const notable: NotableFinding[] = [];
    // Every service the report speaks about moves (a PR scan too: the service page lists its scans).
    const changed: number[] = [];
    const returned: string[] = [];
    // The folder of the repository the report was scanned from ('' for all of it).
    const root = scanRootOf(report);

    for (const sp of plan.services) {
      let service = rows.get(sp.name);
      if (!service) {
        q.insertService.run(sp.name, sp.path, createdAt);
        service = q.serviceByName.get(sp.name)!;
      } else if (sp.path !== null && service.path !== sp.path) {
        q.updateServicePath.run(sp.path, service.id);
      }
      const serviceId = service.id;
      changed.push(serviceId);
      const byFp = ids.get(sp.name) ?? new Map<string, number>();
      const touched: { id: number; finding: Finding }[] = [];
      q.insertScanService.run({
        scanPk,
        serviceId,
        kind: report.kind,
        createdAt,
        gate: sp.gate,
        findingCount: sp.findingCount,
        counts: JSON.stringify(sp.reportCounts),
        scanners: JSON.stringify(sp.scanners),
      });
      for (const f of sp.blocking ?? []) {
        const c = findingColumns(f);
        q.insertPrFinding.run({ scanPk, serviceId, fingerprint: c.fingerprint, ruleId: c.ruleId, title: c.title, severity: c.severity, where: c.where, data: c.data });
      }
      if (sp.setLastScan) q.updateServiceLastScan.run(createdAt, serviceId);
      if (sp.setLastSnapshot) q.updateServiceLastSnapshot.run(createdAt, sp.gate, serviceId);
      // Where it lives in its repository, as its newest snapshot says (store/retire.ts).
      if (sp.setLastSnapshot && sp.path !== null) {
        const folder = serviceFolder(root, sp.path);
        q.setServiceFolder.run(folder, serviceId, folder);
      }
      if (report.source.repository) q.setServiceRepository.run(report.source.repository, serviceId, report.source.repository);
      // A retired service with a snapshot of its own, its newest: it is back.
      if (sp.setLastSnapshot && service.retired_at !== null) {
        q.bringBackService.run(serviceId);
        returned.push(sp.name);
      }

      for (const d of sp.decisions) {
        switch (d.kind) {
          case 'opened': {
            const id = insertNewFinding(serviceId, d.finding, d.at);
            q.insertEvent.run(id, scanPk, 'opened', d.at, null);
            q.insertFindingScan.run(id, scanPk);
            break;
          }
          case 'refreshed': {
            if (d.previousFingerprint) {
              // A secret's fingerprint migration: the stored row moves to the new fingerprint.
              const moved = byFp.get(d.previousFingerprint)!;
              q.rekeyFinding.run(d.finding.fingerprint, moved);
              q.rekeyTriage.run({ to: d.finding.fingerprint, from: d.previousFingerprint, serviceId });
              q.rekeyTriageEvents.run(d.finding.fingerprint, serviceId, d.previousFingerprint);
              byFp.set(d.finding.fingerprint, moved);
            }
            const id = byFp.get(d.finding.fingerprint)!;
            q.refreshFinding.run({ id, ...findingColumns(d.finding), at: d.at });
            touched.push({ id, finding: d.finding });
            if (d.reopened) q.insertEvent.run(id, scanPk, 'reopened', d.at, null);
            q.insertFindingScan.run(id, scanPk);
            break;
          }
          case 'fixed': {
            const id = byFp.get(d.fingerprint)!;
            q.fixFinding.run(d.at, id);
            q.insertEvent.run(id, scanPk, 'fixed', d.at, d.openSeconds);
            q.addFixStat.run(serviceId, d.severity, d.openSeconds);
            break;
          }
          case 'lateOpenedAndFixed': {
            const id = insertNewFinding(serviceId, d.finding, d.openedAt);
            q.fixFinding.run(d.fixedAt, id);
            q.insertEvent.run(id, scanPk, 'opened', d.openedAt, null);
            q.insertEvent.run(id, scanPk, 'fixed', d.fixedAt, d.openSeconds);
            q.addFixStat.run(serviceId, d.finding.severity, d.openSeconds);
            q.insertFindingScan.run(id, scanPk);
            break;
          }
          case 'sighted':
            q.insertFindingScan.run(byFp.get(d.fingerprint)!, scanPk);
            break;
        }
      }
      const becameKev = syncExploit(serviceId, touched);
      // A sighting changes no finding; anything else may move the service's open counts.
      if (sp.decisions.some((d) => d.kind !== 'sighted')) q.refreshSummary.run(serviceId, serviceId);
      notable.push(...notableOf(sp.name, sp.decisions, becameKev, (fp) => prior.get(sp.name)?.findings.get(fp)?.openedAt, prior.get(sp.name)?.triaged));
      if (sp.posture) {
        const row = { serviceId, day: sp.posture.day, ...sp.posture.counts, total: sumCounts(sp.posture.counts), snapshotAt: sp.posture.snapshotAt };
        (sp.posture.mode === 'replace' ? q.upsertPosture : q.insertPostureIfAbsent).run(row);
      }
    }
    // The repository's services this snapshot shows gone (store/retire.ts).
    const retired: string[] = [];
    const present = servicesOfRepositoryAt(report, plan.services.map((sp) => sp.name));
    if (present) {
      const live = q.liveServicesOf.all(report.source.repository!).map((r) => ({ id: r.id, name: r.name, lastSnapshotAt: r.last_snapshot_at, folder: r.repository_folder }));
      for (const gone of servicesGone(present, live, createdAt, root)) {
        q.retireService.run(createdAt, gone.id);
        changed.push(gone.id);
        retired.push(gone.name);
      }
    }
    bumpVersions(changed);
    const result = createdResult(report, plan, notable, moved, { retired, returned });
    for (const r of ingestAuditRecords(report, result)) q.insertAudit.run(ingestedAt, actor, r.action, JSON.stringify(r.detail));
    return result;
  });

  return {
    async ingestScan(report, actor, scope = '*', options = {}) {
      // The report was read and validated in this turn of the event loop (tens of ms for a large
      // one): the transaction, synchronous, goes in a turn of its own.
      await new Promise<void>((resolve) => setImmediate(resolve));
      return ingest(report, actor, (options.now ?? new Date()).toISOString(), scope, options.moveRepository === true);
    },
  };
}
