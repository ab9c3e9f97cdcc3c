// PostgreSQL ingest: the same plan as SQLite's (lifecycle.ts), applied in one transaction. An
// advisory lock serialises ingests across every process sharing the database, so the prior state
// read here is still true when the decisions are written, and two processes given the same scan
// see one "created" and one "duplicate". Rows go in as arrays (unnest), a few statements per
// service rather than one per finding.
import type pg from 'pg';
import type { ScanReport } from '../../../src/report/scan-report.js';
import { sumCounts } from '../counts.js';
import { planIngest, replayOutcome, servicePaths, type PriorFinding, type PriorService, type TakenKey } from '../lifecycle.js';
import { exploitChanges, notableOf, type StoredExploit } from '../exploit.js';
import { findingColumns, sha256Hex, type ServiceDbRow } from '../rows.js';
import type { Finding } from '../../../src/findings/finding.js';
import type { IngestResult, IngestStore, NotableFinding, Severity } from '../types.js';
import { INGEST_LOCK } from './migrations.js';

/** Keeps the exploitation columns and the id index of the touched findings; returns those that became KEV-listed. */
async function syncExploit(client: pg.PoolClient, touched: { id: number; finding: Finding }[]): Promise<Set<string>> {
  const becameKev = new Set<string>();
  if (touched.length === 0) return becameKev;
  const stored = new Map(
    (
      await client.query<StoredExploit & { id: string }>('SELECT id, kev, kev_due, epss, epss_percentile, vuln_ids FROM findings WHERE id = ANY($1::bigint[])', [
        touched.map((t) => t.id),
      ])
    ).rows.map((r) => [Number(r.id), r]),
  );
  const fpById = new Map(touched.map((t) => [t.id, t.finding.fingerprint]));
  const changes = exploitChanges(stored, touched);
  if (changes.length === 0) return becameKev;
  await client.query(
    `UPDATE findings f SET kev = u.kev, kev_due = u.kev_due, epss = u.epss, epss_percentile = u.epss_percentile, vuln_ids = u.vuln_ids
     FROM unnest($1::bigint[], $2::int[], $3::text[], $4::float8[], $5::float8[], $6::text[]) AS u(id, kev, kev_due, epss, epss_percentile, vuln_ids)
     WHERE f.id = u.id`,
    [
      changes.map((c) => c.id), changes.map((c) => c.columns.kev), changes.map((c) => c.columns.kevDue), changes.map((c) => c.columns.epss),
      changes.map((c) => c.columns.epssPercentile), changes.map((c) => c.columns.vulnIds),
    ],
  );
  const reindex = changes.filter((c) => c.idsChanged);
  if (reindex.length > 0) {
    await client.query('DELETE FROM finding_ids WHERE finding_id = ANY($1::bigint[])', [reindex.map((c) => c.id)]);
    const pairs = reindex.flatMap((c) => c.columns.vulnIds.split(' ').filter(Boolean).map((k) => [c.id, k] as const));
    if (pairs.length > 0) {
      await client.query('INSERT INTO finding_ids (finding_id, vuln_id) SELECT * FROM unnest($1::bigint[], $2::text[]) ON CONFLICT DO NOTHING', [
        pairs.map((p) => p[0]),
        pairs.map((p) => p[1]),
      ]);
    }
  }
  for (const c of changes) if (c.becameKev) becameKev.add(fpById.get(c.id)!);
  return becameKev;
}

export function createPostgresIngest(pool: pg.Pool): IngestStore {
  async function ingest(client: pg.PoolClient, report: ScanReport, actor: string, ingestedAt: string, scope: string): Promise<IngestResult> {
    await client.query('SELECT pg_advisory_xact_lock($1)', [INGEST_LOCK]);
    const serviceNames = [...servicePaths(report).keys()].sort();
    const bodySha256 = sha256Hex(JSON.stringify(report));
    const keys = await client.query<{ service: string; scope: string; body_sha256: string | null; scan_pk: string }>(
      "SELECT DISTINCT ON (service) service, scope, body_sha256, scan_pk FROM ingest_keys WHERE service = ANY($1) AND scan_id = $2 AND scope IN ($3, '') ORDER BY service, scope DESC",
      [serviceNames, report.scanId, scope],
    );
    const taken: TakenKey[] = keys.rows.map((k) => ({ service: k.service, bodySha256: k.body_sha256, scanPk: Number(k.scan_pk) }));
    const replay = replayOutcome(serviceNames, taken, bodySha256);
    if (replay) return { ...replay, scanId: report.scanId, opened: 0, fixed: 0, reopened: 0 };
    const createdAt = new Date(report.createdAt).toISOString();

    const services = new Map(
      (await client.query<ServiceDbRow>('SELECT * FROM services WHERE name = ANY($1)', [serviceNames])).rows.map((s) => [s.name, { ...s, id: Number(s.id) }]),
    );
    const ids = new Map<string, Map<string, number>>();
    const prior = new Map<string, PriorService>();
    for (const [name, s] of services) {
      const rows = await client.query<{ id: string; fingerprint: string; state: 'open' | 'fixed'; opened_at: string; severity: Severity; tool: string; category: string; suppressed: number; rule_id: string; where_text: string }>(
        'SELECT id, fingerprint, state, opened_at, severity, tool, category, suppressed, rule_id, where_text FROM findings WHERE service_id = $1',
        [s.id],
      );
      const findings = new Map<string, PriorFinding>();
      const byFp = new Map<string, number>();
      for (const f of rows.rows) {
        findings.set(f.fingerprint, { fingerprint: f.fingerprint, state: f.state, openedAt: f.opened_at, severity: f.severity, tool: f.tool, category: f.category, suppressed: f.suppressed === 1, ruleId: f.rule_id, where: f.where_text });
        byFp.set(f.fingerprint, Number(f.id));
      }
      ids.set(name, byFp);
      const late = report.kind === 'snapshot' && s.last_snapshot_at !== null && createdAt < s.last_snapshot_at;
      const next = late
        ? (await client.query<{ at: string | null }>("SELECT min(created_at) AS at FROM scan_services WHERE service_id = $1 AND kind = 'snapshot' AND created_at > $2", [s.id, createdAt])).rows[0].at
        : null;
      prior.set(name, { lastScanAt: s.last_scan_at, lastSnapshotAt: s.last_snapshot_at, nextSnapshotAt: next, findings });
    }

    const plan = planIngest(report, prior);
    const scanPk = Number(
      (
        await client.query<{ id: string }>(
          `INSERT INTO scans (scan_id, kind, created_at, repository, ref, commit_sha, pull_request, run_url, gate_outcome, finding_count, ingested_at, ingested_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
          [report.scanId, report.kind, createdAt, report.source.repository ?? null, report.source.ref ?? null, report.source.commit ?? null, report.source.pullRequest ?? null, report.source.runUrl ?? null, report.gate.outcome, report.findings.length, ingestedAt, actor],
        )
      ).rows[0].id,
    );
    await client.query(
      'INSERT INTO ingest_keys (scope, service, scan_id, body_sha256, scan_pk) SELECT $1, s, $2, $3, $4 FROM unnest($5::text[]) AS s',
      [scope, report.scanId, bodySha256, scanPk, serviceNames],
    );
    const notable: NotableFinding[] = [];

    for (const sp of plan.services) {
      let service = services.get(sp.name);
      if (!service) {
        const row = (await client.query<ServiceDbRow>('INSERT INTO services (name, path, first_seen_at) VALUES ($1, $2, $3) RETURNING *', [sp.name, sp.path, createdAt])).rows[0];
        service = { ...row, id: Number(row.id) };
      } else if (sp.path !== null && service.path !== sp.path) {
        await client.query('UPDATE services SET path = $1 WHERE id = $2', [sp.path, service.id]);
      }
      const serviceId = service.id;
      const byFp = ids.get(sp.name) ?? new Map<string, number>();
      await client.query(
        'INSERT INTO scan_services (scan_pk, service_id, kind, created_at, gate_outcome, finding_count, counts, scanners) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
        [scanPk, serviceId, report.kind, createdAt, sp.gate, sp.findingCount, JSON.stringify(sp.reportCounts), JSON.stringify(sp.scanners)],
      );
      if (sp.blocking && sp.blocking.length > 0) {
        const cols = sp.blocking.map(findingColumns);
        await client.query(
          `INSERT INTO pr_findings (scan_pk, service_id, fingerprint, rule_id, title, severity, where_text, data)
           SELECT $1, $2, u.* FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS u(fingerprint, rule_id, title, severity, where_text, data)`,
          [scanPk, serviceId, cols.map((c) => c.fingerprint), cols.map((c) => c.ruleId), cols.map((c) => c.title), cols.map((c) => c.severity), cols.map((c) => c.where), cols.map((c) => c.data)],
        );
      }
      if (sp.setLastScan) await client.query('UPDATE services SET last_scan_at = $1 WHERE id = $2', [createdAt, serviceId]);
      // The service's gate is its default branch's: a PR's verdict is the PR's (the pull-request view).
      if (sp.setLastSnapshot) await client.query('UPDATE services SET last_snapshot_at = $1, last_gate = $2 WHERE id = $3', [createdAt, sp.gate, serviceId]);

      // New rows: opened now, or opened and fixed by a late snapshot.
      const fresh = sp.decisions.flatMap((d) =>
        d.kind === 'opened' ? [{ f: d.finding, at: d.at, fixedAt: null as string | null }] : d.kind === 'lateOpenedAndFixed' ? [{ f: d.finding, at: d.openedAt, fixedAt: d.fixedAt }] : [],
      );
      const events: { fp: string; kind: string; at: string; openSeconds: number | null }[] = [];
      const sightings: string[] = [];
      const fixStats: { severity: Severity; seconds: number }[] = [];
      if (fresh.length > 0) {
        const cols = fresh.map((x) => findingColumns(x.f));
        const inserted = await client.query<{ id: string; fingerprint: string }>(
          `INSERT INTO findings (service_id, fingerprint, tool, category, rule_id, title, severity, where_text, fix_available, state, suppressed, suppression,
             first_seen_at, opened_at, last_seen_at, fixed_at, data)
           SELECT $1, u.fingerprint, u.tool, u.category, u.rule_id, u.title, u.severity, u.where_text, u.fix_available,
             CASE WHEN u.fixed_at IS NULL THEN 'open' ELSE 'fixed' END, u.suppressed, u.suppression, u.at, u.at, u.at, u.fixed_at, u.data
           FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::int[], $11::text[], $12::text[], $13::text[], $14::text[])
             AS u(fingerprint, tool, category, rule_id, title, severity, where_text, fix_available, suppressed, suppression, at, fixed_at, data)
           RETURNING id, fingerprint`,
          [
            serviceId,
            cols.map((c) => c.fingerprint), cols.map((c) => c.tool), cols.map((c) => c.category), cols.map((c) => c.ruleId), cols.map((c) => c.title),
            cols.map((c) => c.severity), cols.map((c) => c.where), cols.map((c) => c.fixAvailable), cols.map((c) => c.suppressed), cols.map((c) => c.suppression),
            fresh.map((x) => x.at), fresh.map((x) => x.fixedAt), cols.map((c) => c.data),
          ],
        );
        for (const r of inserted.rows) byFp.set(r.fingerprint, Number(r.id));
      }
      // A secret's fingerprint migration (lifecycle.ts carryOverSecrets): the stored row moves to the new fingerprint first.
      for (const d of sp.decisions) {
        if (d.kind !== 'refreshed' || !d.previousFingerprint) continue;
        const moved = byFp.get(d.previousFingerprint)!;
        await client.query('UPDATE findings SET fingerprint = $1 WHERE id = $2', [d.finding.fingerprint, moved]);
        // Its triage decision and history follow it (unless the new fingerprint has its own).
        await client.query(
          'UPDATE triage SET fingerprint = $1 WHERE service_id = $2 AND fingerprint = $3 AND NOT EXISTS (SELECT 1 FROM triage x WHERE x.service_id = $2 AND x.fingerprint = $1)',
          [d.finding.fingerprint, serviceId, d.previousFingerprint],
        );
        await client.query('UPDATE triage_events SET fingerprint = $1 WHERE service_id = $2 AND fingerprint = $3', [d.finding.fingerprint, serviceId, d.previousFingerprint]);
        byFp.set(d.finding.fingerprint, moved);
      }
      const refreshed: { id: number; cols: ReturnType<typeof findingColumns>; at: string }[] = [];
      const fixed: { id: number; at: string }[] = [];
      for (const d of sp.decisions) {
        switch (d.kind) {
          case 'opened':
            events.push({ fp: d.finding.fingerprint, kind: 'opened', at: d.at, openSeconds: null });
            sightings.push(d.finding.fingerprint);
            break;
          case 'refreshed':
            refreshed.push({ id: byFp.get(d.finding.fingerprint)!, cols: findingColumns(d.finding), at: d.at });
            if (d.reopened) events.push({ fp: d.finding.fingerprint, kind: 'reopened', at: d.at, openSeconds: null });
            sightings.push(d.finding.fingerprint);
            break;
          case 'fixed':
            fixed.push({ id: byFp.get(d.fingerprint)!, at: d.at });
            events.push({ fp: d.fingerprint, kind: 'fixed', at: d.at, openSeconds: d.openSeconds });
            fixStats.push({ severity: d.severity, seconds: d.openSeconds });
            break;
          case 'lateOpenedAndFixed':
            events.push({ fp: d.finding.fingerprint, kind: 'opened', at: d.openedAt, openSeconds: null });
            events.push({ fp: d.finding.fingerprint, kind: 'fixed', at: d.fixedAt, openSeconds: d.openSeconds });
            fixStats.push({ severity: d.finding.severity, seconds: d.openSeconds });
            sightings.push(d.finding.fingerprint);
            break;
          case 'sighted':
            sightings.push(d.fingerprint);
            break;
        }
      }
      if (refreshed.length > 0) {
        await client.query(
          `UPDATE findings f SET tool = u.tool, category = u.category, rule_id = u.rule_id, title = u.title, severity = u.severity,
             where_text = u.where_text, fix_available = u.fix_available, suppressed = u.suppressed, suppression = u.suppression,
             last_seen_at = u.at, data = u.data, state = 'open',
             opened_at = CASE WHEN f.state = 'fixed' THEN u.at ELSE f.opened_at END, fixed_at = NULL
           FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::int[], $10::text[], $11::text[], $12::text[])
             AS u(id, tool, category, rule_id, title, severity, where_text, fix_available, suppressed, suppression, at, data)
           WHERE f.id = u.id`,
          [
            refreshed.map((r) => r.id), refreshed.map((r) => r.cols.tool), refreshed.map((r) => r.cols.category), refreshed.map((r) => r.cols.ruleId),
            refreshed.map((r) => r.cols.title), refreshed.map((r) => r.cols.severity), refreshed.map((r) => r.cols.where), refreshed.map((r) => r.cols.fixAvailable),
            refreshed.map((r) => r.cols.suppressed), refreshed.map((r) => r.cols.suppression), refreshed.map((r) => r.at), refreshed.map((r) => r.cols.data),
          ],
        );
      }
      if (fixed.length > 0) {
        await client.query("UPDATE findings f SET state = 'fixed', fixed_at = u.at FROM unnest($1::bigint[], $2::text[]) AS u(id, at) WHERE f.id = u.id", [fixed.map((x) => x.id), fixed.map((x) => x.at)]);
      }
      if (events.length > 0) {
        await client.query(
          'INSERT INTO finding_events (finding_id, scan_pk, kind, at, open_seconds) SELECT u.id, $1, u.kind, u.at, u.s FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bigint[]) WITH ORDINALITY AS u(id, kind, at, s, n) ORDER BY u.n',
          [scanPk, events.map((e) => byFp.get(e.fp)!), events.map((e) => e.kind), events.map((e) => e.at), events.map((e) => e.openSeconds)],
        );
      }
      const touched = sp.decisions.flatMap((d) =>
        d.kind === 'opened' || d.kind === 'refreshed' || d.kind === 'lateOpenedAndFixed' ? [{ id: byFp.get(d.finding.fingerprint)!, finding: d.finding }] : [],
      );
      const becameKev = await syncExploit(client, touched);
      notable.push(...notableOf(sp.name, sp.decisions, becameKev, (fp) => prior.get(sp.name)?.findings.get(fp)?.openedAt));
      if (sightings.length > 0) {
        await client.query('INSERT INTO finding_scans (finding_id, scan_pk) SELECT u.id, $1 FROM unnest($2::bigint[]) AS u(id) ON CONFLICT DO NOTHING', [scanPk, sightings.map((fp) => byFp.get(fp)!)]);
      }
      for (const st of fixStats) {
        await client.query(
          `INSERT INTO fix_stats (service_id, severity, fixed_count, open_seconds_total) VALUES ($1, $2, 1, $3)
           ON CONFLICT (service_id, severity) DO UPDATE SET fixed_count = fix_stats.fixed_count + 1, open_seconds_total = fix_stats.open_seconds_total + excluded.open_seconds_total`,
          [serviceId, st.severity, st.seconds],
        );
      }
      if (sp.posture) {
        const c = sp.posture.counts;
        const values = [serviceId, sp.posture.day, c.critical, c.high, c.medium, c.low, c.info, c.unknown, sumCounts(c), sp.posture.snapshotAt];
        const insert = 'INSERT INTO posture_daily (service_id, day, critical, high, medium, low, info, unknown, total, snapshot_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)';
        await client.query(
          sp.posture.mode === 'replace'
            ? `${insert} ON CONFLICT (service_id, day) DO UPDATE SET critical = excluded.critical, high = excluded.high, medium = excluded.medium,
                 low = excluded.low, info = excluded.info, unknown = excluded.unknown, total = excluded.total, snapshot_at = excluded.snapshot_at
               WHERE excluded.snapshot_at >= posture_daily.snapshot_at`
            : `${insert} ON CONFLICT DO NOTHING`,
          values,
        );
      }
    }
    await client.query("UPDATE meta SET value = value + 1 WHERE key = 'data_version'");
    return {
      status: 'created',
      scanId: report.scanId,
      services: plan.services.map((s) => s.name).sort(),
      opened: plan.opened,
      fixed: plan.fixed,
      reopened: plan.reopened,
      ...(report.kind === 'snapshot' ? { notable } : {}),
    };
  }

  return {
    async ingestScan(report, actor, scope = '*') {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await ingest(client, report, actor, new Date().toISOString(), scope);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
  };
}
