// PostgreSQL ingest: the same plan as SQLite's (lifecycle.ts), applied in one transaction. An
// advisory lock serialises ingests across every process sharing the database, so the prior state
// read here is still true when the decisions are written, and two processes given the same scan
// see one "created" and one "duplicate".
//
// Round trips and rows written are what an ingest costs here, so the plan is applied in bulk: one
// read of the prior state of every service (with each row's stored exploitation columns and a hash
// of its columns), then a fixed number of statements per service whatever the number of findings,
// rows going in as arrays (unnest). New findings are inserted with their exploitation columns; a
// refreshed finding whose columns are all unchanged (the daily snapshot of a quiet service) only
// gets `last_seen_at`, the others the full update; fix statistics are summed per severity.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { ScanReport } from '../../../src/report/scan-report.js';
import { sumCounts } from '../counts.js';
import { scanRootOf, serviceFolder, servicesGone, servicesOfRepositoryAt } from '../retire.js';
import { createdResult, planIngest, replayOutcome, repositoryMoves, servicePaths, type PriorFinding, type PriorService, type TakenKey } from '../lifecycle.js';
import { triagedAt } from '../triage.js';
import { ingestAuditRecords } from '../ingest-audit.js';
import { exploitChanges, exploitColumns, notableOf, numberPlaceholders, type ExploitColumns, type StoredExploit } from '../exploit.js';
import { SUMMARY_REFRESH_SQL } from '../summary.js';
import { findingColumns, findingColumnsBesideData, sha256Hex, type ServiceDbRow } from '../rows.js';
import type { Finding } from '../../../src/findings/finding.js';
import type { IngestResult, IngestStore, NotableFinding, Severity } from '../types.js';
import { INGEST_LOCK } from './migrations.js';
import { VERSION_BUMP_POSTGRES, VERSION_LOCK_POSTGRES } from '../versions.js';

const SUMMARY_REFRESH = numberPlaceholders(SUMMARY_REFRESH_SQL);

type Columns = ReturnType<typeof findingColumns>;

// The stored columns a report can change, hashed on both sides (SQL here, `columnsHash` below) in
// one order, with \x1f between them and \x1e for NULL: equal hashes mean an update would write
// the same values. Only open rows are hashed: a fixed one seen again is reopened, a full update
// anyway (most of a long-lived service's rows are fixed ones).
const STORED_COLUMNS_HASH = `CASE WHEN state = 'open' THEN md5(concat_ws(chr(31), tool, category, rule_id, title, severity, where_text, fix_available::text,
  suppressed::text, coalesce(suppression, chr(30)), data)) END`;
function columnsHash(c: Columns): string {
  return createHash('md5')
    .update([c.tool, c.category, c.ruleId, c.title, c.severity, c.where, String(c.fixAvailable), String(c.suppressed), c.suppression ?? '\x1e', c.data].join('\x1f'))
    .digest('hex');
}

// Findings go to the server as one JSON array read by json_to_recordset: JSON.stringify is native
// and the server parses it in C, where one text[] per column costs seconds of array escaping in
// the client for 10,000 findings. Strings are made well-formed (a lone surrogate would be refused
// by the server's JSON parser; as a text parameter it became U+FFFD, which this keeps): JSON.stringify
// writes a lone surrogate, and only that, as a \ud800-\udfff escape (lower case), so those escapes
// become \ufffd in the text, unless their backslash is itself escaped (an odd run of backslashes).
// A replacer function doing the same per value doubled the cost of the stringify.
//
// A finding's `data` column (JSON.stringify of the finding, half the bytes) goes apart, as one text
// of the rows' data joined by U+001F, split by the server (string_to_array) and zipped with the
// JSON rows by position (ROWS FROM): JSON.stringify never writes a raw control character (nor a
// lone surrogate), so the separator cannot occur inside one, and neither side escapes the data as
// a JSON string; the server parses the rows' JSON about a third faster without it.
const ROW_COLUMNS = `fingerprint text, tool text, category text, rule_id text, title text, severity text, where_text text, fix_available int,
  suppressed int, suppression text, at text, kev int, kev_due text, epss float8, epss_percentile float8, vuln_ids text`;
/** `u.*` of the rows with their data, `extra` (one more JSON column) before `data`. */
function findingRows(json: string, data: string, extra: string): string {
  const names = `${ROW_COLUMNS}, ${extra}`.split(',').map((c) => c.trim().split(/\s+/)[0]);
  return `ROWS FROM (json_to_recordset(${json}::json) AS (${ROW_COLUMNS}, ${extra}), unnest(string_to_array(${data}, chr(31)))) AS u(${names.join(', ')}, data)`;
}
function findingRow(f: Finding, e: ExploitColumns, at: string) {
  const c = findingColumnsBesideData(f);
  return {
    fingerprint: c.fingerprint, tool: c.tool, category: c.category, rule_id: c.ruleId, title: c.title, severity: c.severity, where_text: c.where,
    fix_available: c.fixAvailable, suppressed: c.suppressed, suppression: c.suppression, at,
    kev: e.kev, kev_due: e.kevDue, epss: e.epss, epss_percentile: e.epssPercentile, vuln_ids: e.vulnIds,
  };
}
const LONE_SURROGATE_ESCAPE = /(?<!\\)((?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/g;
export function rowsJson(rows: object[]): string {
  const text = JSON.stringify(rows);
  return text.includes('\\ud') ? text.replace(LONE_SURROGATE_ESCAPE, '$1\\ufffd') : text;
}
/** The data texts as one parameter (see above). */
function dataText(data: string[]): string {
  return data.join('\x1f');
}

interface PriorRow extends StoredExploit {
  id: string;
  service_id: string;
  fingerprint: string;
  state: 'open' | 'fixed';
  opened_at: string;
  fixed_at: string | null;
  severity: Severity;
  tool: string;
  category: string;
  suppressed: number;
  rule_id: string;
  where_text: string;
  columns_md5: string | null;
}

/**
 * The finding_ids rows of findings: one per vulnerability id key, each pair once (the rows are new
 * or their old rows deleted, so a plain INSERT needs no ON CONFLICT, which costs a speculative
 * insertion per row).
 */
function idPairs(rows: { id: number; vulnIds: string }[]): [number[], string[]] {
  const ids: number[] = [];
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    for (const k of r.vulnIds.split(' ')) {
      if (!k || seen.has(`${r.id} ${k}`)) continue;
      seen.add(`${r.id} ${k}`);
      ids.push(r.id);
      keys.push(k);
    }
  }
  return [ids, keys];
}

/** `written`: called after each commit (the data version moved). */
export function createPostgresIngest(pool: pg.Pool, written: () => void = () => undefined): IngestStore {
  async function ingest(client: pg.PoolClient, report: ScanReport, actor: string, ingestedAt: string, scope: string, moveRepository: boolean): Promise<IngestResult> {
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
    // The prior state of every known service of the report, in one query.
    const priorRows = services.size
      ? (
          await client.query<PriorRow>(
            `SELECT id, service_id, fingerprint, state, opened_at, fixed_at, severity, tool, category, suppressed, rule_id, where_text,
               kev, kev_due, epss, epss_percentile, vuln_ids, ${STORED_COLUMNS_HASH} AS columns_md5
             FROM findings WHERE service_id = ANY($1::bigint[])`,
            [[...services.values()].map((s) => s.id)],
          )
        ).rows
      : [];
    const rowsOfService = byService(priorRows);
    // The services' triage decisions (in force at the report's time: PriorService.triaged).
    const triageOfService = byService(
      services.size > 0
        ? (
            await client.query<{ service_id: string; fingerprint: string; expires_at: string | null; decided_at: string }>(
              'SELECT service_id, fingerprint, expires_at, decided_at FROM triage WHERE service_id = ANY($1::bigint[])',
              [[...services.values()].map((s) => s.id)],
            )
          ).rows
        : [],
    );
    const stored = new Map<number, PriorRow>();
    const ids = new Map<string, Map<string, number>>();
    const prior = new Map<string, PriorService>();
    for (const [name, s] of services) {
      const findings = new Map<string, PriorFinding>();
      const byFp = new Map<string, number>();
      for (const f of rowsOfService.get(s.id) ?? []) {
        findings.set(f.fingerprint, { fingerprint: f.fingerprint, state: f.state, openedAt: f.opened_at, fixedAt: f.fixed_at, severity: f.severity, tool: f.tool, category: f.category, suppressed: f.suppressed === 1, ruleId: f.rule_id, where: f.where_text });
        byFp.set(f.fingerprint, Number(f.id));
        stored.set(Number(f.id), f);
      }
      ids.set(name, byFp);
      const late = report.kind === 'snapshot' && s.last_snapshot_at !== null && createdAt < s.last_snapshot_at;
      const next = late
        ? (await client.query<{ at: string | null }>("SELECT min(created_at) AS at FROM scan_services WHERE service_id = $1 AND kind = 'snapshot' AND created_at > $2", [s.id, createdAt])).rows[0].at
        : null;
      prior.set(name, { lastScanAt: s.last_scan_at, lastSnapshotAt: s.last_snapshot_at, nextSnapshotAt: next, findings, triaged: triagedAt(triageOfService.get(s.id) ?? [], createdAt) });
    }

    // Before anything is written: a report from another repository is refused as a whole. The
    // repository of each known service's latest scan naming one (scan_services_by_service, newest first).
    const known = new Map<string, string>();
    if (report.source.repository && services.size > 0) {
      const latest = await client.query<{ name: string; repository: string }>(
        `SELECT s.name, r.repository FROM services s
         CROSS JOIN LATERAL (SELECT sc.repository FROM scan_services ss JOIN scans sc ON sc.id = ss.scan_pk
           WHERE ss.service_id = s.id AND sc.repository IS NOT NULL ORDER BY ss.created_at DESC, ss.scan_pk DESC LIMIT 1) r
         WHERE s.id = ANY($1::bigint[])`,
        [[...services.values()].map((s) => s.id)],
      );
      for (const r of latest.rows) known.set(r.name, r.repository);
    }
    const moved = repositoryMoves(report, known, moveRepository);

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
    // Every service the report speaks about moves (a PR scan too: the service page lists its scans).
    const changed: number[] = [];
    // Services whose open-findings summary is recomputed.
    const summaries: number[] = [];
    const returned: string[] = [];
    // The folder of the repository the report was scanned from ('' for all of it).
    const root = scanRootOf(report);

    for (const sp of plan.services) {
      let service = services.get(sp.name);
      // Where it lives in its repository, as its newest snapshot says (store/retire.ts); null: unchanged.
      const folder = sp.setLastSnapshot && sp.path !== null ? serviceFolder(root, sp.path) : null;
      if (!service) {
        const row = (
          await client.query<ServiceDbRow>('INSERT INTO services (name, path, first_seen_at, last_scan_at, last_snapshot_at, last_gate, repository_folder) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *', [
            sp.name,
            sp.path,
            createdAt,
            sp.setLastScan ? createdAt : null,
            sp.setLastSnapshot ? createdAt : null,
            sp.setLastSnapshot ? sp.gate : null,
            folder,
          ])
        ).rows[0];
        service = { ...row, id: Number(row.id) };
      } else if ((sp.path !== null && service.path !== sp.path) || sp.setLastScan || sp.setLastSnapshot) {
        // The service's gate is its default branch's: a PR's verdict is the PR's (the pull-request view).
        await client.query(
          `UPDATE services SET path = COALESCE($2, path),
             last_scan_at = CASE WHEN $3 THEN $5 ELSE last_scan_at END,
             last_snapshot_at = CASE WHEN $4 THEN $5 ELSE last_snapshot_at END,
             last_gate = CASE WHEN $4 THEN $6 ELSE last_gate END,
             repository_folder = COALESCE($7, repository_folder)
           WHERE id = $1`,
          [service.id, sp.path, sp.setLastScan, sp.setLastSnapshot, createdAt, sp.gate, folder],
        );
      }
      const serviceId = service.id;
      changed.push(serviceId);
      if (report.source.repository) await client.query('UPDATE services SET repository = $2 WHERE id = $1 AND repository IS DISTINCT FROM $2', [serviceId, report.source.repository]);
      // A retired service with a snapshot of its own, its newest: it is back.
      if (sp.setLastSnapshot && service.retired_at !== null) {
        await client.query('UPDATE services SET retired_at = NULL WHERE id = $1', [serviceId]);
        returned.push(sp.name);
      }
      const byFp = ids.get(sp.name) ?? new Map<string, number>();
      await client.query(
        'INSERT INTO scan_services (scan_pk, service_id, kind, created_at, gate_outcome, finding_count, counts, scanners) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
        [scanPk, serviceId, report.kind, createdAt, sp.gate, sp.findingCount, JSON.stringify(sp.reportCounts), JSON.stringify(sp.scanners)],
      );
      // A failing PR scan's blocking findings, for the PR view and its triage (PR scans make no findings rows).
      if (sp.blocking && sp.blocking.length > 0) {
        const cols = sp.blocking.map(findingColumns);
        await client.query(
          `INSERT INTO pr_findings (scan_pk, service_id, fingerprint, rule_id, title, severity, where_text, data)
           SELECT $1, $2, u.* FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS u(fingerprint, rule_id, title, severity, where_text, data)`,
          [scanPk, serviceId, cols.map((c) => c.fingerprint), cols.map((c) => c.ruleId), cols.map((c) => c.title), cols.map((c) => c.severity), cols.map((c) => c.where), cols.map((c) => c.data)],
        );
      }

      // New rows: opened now, or opened and fixed by a late snapshot; written with their exploitation columns.
      const fresh = sp.decisions.flatMap((d) =>
        d.kind === 'opened' ? [{ f: d.finding, at: d.at, fixedAt: null as string | null }] : d.kind === 'lateOpenedAndFixed' ? [{ f: d.finding, at: d.openedAt, fixedAt: d.fixedAt }] : [],
      );
      const newIds: { id: number; vulnIds: string }[] = [];
      if (fresh.length > 0) {
        const ex = fresh.map((x) => exploitColumns(x.f));
        const inserted = await client.query<{ id: string; fingerprint: string }>(
          `INSERT INTO findings (service_id, fingerprint, tool, category, rule_id, title, severity, where_text, fix_available, state, suppressed, suppression,
             first_seen_at, opened_at, last_seen_at, fixed_at, data, kev, kev_due, epss, epss_percentile, vuln_ids)
           SELECT $1, u.fingerprint, u.tool, u.category, u.rule_id, u.title, u.severity, u.where_text, u.fix_available,
             CASE WHEN u.fixed_at IS NULL THEN 'open' ELSE 'fixed' END, u.suppressed, u.suppression, u.at, u.at, u.at, u.fixed_at, u.data,
             u.kev, u.kev_due, u.epss, u.epss_percentile, u.vuln_ids
           FROM ${findingRows('$2', '$3', 'fixed_at text')}
           RETURNING id, fingerprint`,
          [serviceId, rowsJson(fresh.map((x, i) => ({ ...findingRow(x.f, ex[i], x.at), fixed_at: x.fixedAt }))), dataText(fresh.map((x) => JSON.stringify(x.f)))],
        );
        const vulnIdsByFp = new Map(fresh.map((x, i) => [x.f.fingerprint, ex[i].vulnIds]));
        for (const r of inserted.rows) {
          byFp.set(r.fingerprint, Number(r.id));
          newIds.push({ id: Number(r.id), vulnIds: vulnIdsByFp.get(r.fingerprint)! });
        }
      }

      const events: { fp: string; kind: string; at: string; openSeconds: number | null }[] = [];
      const sightings: string[] = [];
      const fixStats = new Map<Severity, { count: number; seconds: number }>();
      const addFix = (severity: Severity, seconds: number) => {
        const s = fixStats.get(severity) ?? { count: 0, seconds: 0 };
        s.count++;
        s.seconds += seconds;
        fixStats.set(severity, s);
      };
      // Refreshed findings: the exploitation columns that change (and the KEV listings that begin), then
      // the rows that change in full, the others only seen again.
      const refreshedDecisions = sp.decisions.filter((d): d is Extract<typeof d, { kind: 'refreshed' }> => d.kind === 'refreshed');
      const touched = refreshedDecisions.map((d) => ({ id: byFp.get(d.previousFingerprint ?? d.finding.fingerprint)!, finding: d.finding as Finding }));
      const changes = new Map(exploitChanges(stored, touched).map((c) => [c.id, c]));
      const becameKev = new Set<string>();
      const full: { id: number; finding: Finding; at: string; ex: ExploitColumns }[] = [];
      const seenOnly: number[] = [];
      const reindexed: { id: number; vulnIds: string }[] = [];
      for (const d of refreshedDecisions) {
        const id = byFp.get(d.previousFingerprint ?? d.finding.fingerprint)!;
        if (d.previousFingerprint) {
          // A secret's fingerprint migration (lifecycle.ts carryOverSecrets): the stored row takes the new fingerprint.
          byFp.set(d.finding.fingerprint, id);
        }
        const change = changes.get(id);
        const old = stored.get(id)!;
        if (change?.becameKev) becameKev.add(d.finding.fingerprint);
        if (change?.idsChanged) reindexed.push({ id, vulnIds: change.columns.vulnIds });
        if (!d.previousFingerprint && !change && old.state === 'open' && old.columns_md5 === columnsHash(findingColumns(d.finding))) seenOnly.push(id);
        else full.push({ id, finding: d.finding, at: d.at, ex: change?.columns ?? exploitColumns(d.finding) });
      }
      const fixed: { id: number; at: string }[] = [];
      for (const d of sp.decisions) {
        switch (d.kind) {
          case 'opened':
            events.push({ fp: d.finding.fingerprint, kind: 'opened', at: d.at, openSeconds: null });
            sightings.push(d.finding.fingerprint);
            break;
          case 'refreshed':
            if (d.reopened) events.push({ fp: d.finding.fingerprint, kind: 'reopened', at: d.at, openSeconds: null });
            sightings.push(d.finding.fingerprint);
            break;
          case 'fixed':
            fixed.push({ id: byFp.get(d.fingerprint)!, at: d.at });
            events.push({ fp: d.fingerprint, kind: 'fixed', at: d.at, openSeconds: d.openSeconds });
            addFix(d.severity, d.openSeconds);
            break;
          case 'lateOpenedAndFixed':
            events.push({ fp: d.finding.fingerprint, kind: 'opened', at: d.openedAt, openSeconds: null });
            events.push({ fp: d.finding.fingerprint, kind: 'fixed', at: d.fixedAt, openSeconds: d.openSeconds });
            addFix(d.finding.severity, d.openSeconds);
            sightings.push(d.finding.fingerprint);
            break;
          case 'sighted':
            sightings.push(d.fingerprint);
            break;
        }
      }
      if (full.length > 0) {
        await client.query(
          `UPDATE findings f SET fingerprint = u.fingerprint, tool = u.tool, category = u.category, rule_id = u.rule_id, title = u.title, severity = u.severity,
             where_text = u.where_text, fix_available = u.fix_available, suppressed = u.suppressed, suppression = u.suppression,
             last_seen_at = u.at, data = u.data, state = 'open',
             opened_at = CASE WHEN f.state = 'fixed' THEN u.at ELSE f.opened_at END, fixed_at = NULL,
             kev = u.kev, kev_due = u.kev_due, epss = u.epss, epss_percentile = u.epss_percentile, vuln_ids = u.vuln_ids
           FROM ${findingRows('$1', '$2', 'id bigint')}
           WHERE f.id = u.id`,
          [rowsJson(full.map((r) => ({ ...findingRow(r.finding, r.ex, r.at), id: r.id }))), dataText(full.map((r) => JSON.stringify(r.finding)))],
        );
      }
      // A secret's fingerprint migration: its triage decision and history follow the row (unless the
      // new fingerprint has a decision of its own).
      for (const d of refreshedDecisions) {
        if (!d.previousFingerprint) continue;
        await client.query(
          'UPDATE triage SET fingerprint = $1 WHERE service_id = $2 AND fingerprint = $3 AND NOT EXISTS (SELECT 1 FROM triage x WHERE x.service_id = $2 AND x.fingerprint = $1)',
          [d.finding.fingerprint, serviceId, d.previousFingerprint],
        );
        await client.query('UPDATE triage_events SET fingerprint = $1 WHERE service_id = $2 AND fingerprint = $3', [d.finding.fingerprint, serviceId, d.previousFingerprint]);
      }
      if (seenOnly.length > 0) {
        await client.query('UPDATE findings SET last_seen_at = $1 WHERE id = ANY($2::bigint[])', [createdAt, seenOnly]);
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
      // The vulnerability id index: new findings' keys, and those of findings whose ids changed.
      if (reindexed.length > 0) await client.query('DELETE FROM finding_ids WHERE finding_id = ANY($1::bigint[])', [reindexed.map((r) => r.id)]);
      const [pairIds, pairKeys] = idPairs([...newIds, ...reindexed]);
      if (pairIds.length > 0) {
        await client.query('INSERT INTO finding_ids (finding_id, vuln_id) SELECT * FROM unnest($1::bigint[], $2::text[])', [pairIds, pairKeys]);
      }
      notable.push(...notableOf(sp.name, sp.decisions, becameKev, (fp) => prior.get(sp.name)?.findings.get(fp)?.openedAt, prior.get(sp.name)?.triaged));
      if (sightings.length > 0) {
        // The scan is new, so its rows are too: each finding once, without ON CONFLICT (see idPairs).
        await client.query('INSERT INTO finding_scans (finding_id, scan_pk) SELECT u.id, $1 FROM unnest($2::bigint[]) AS u(id)', [scanPk, [...new Set(sightings.map((fp) => byFp.get(fp)!))]]);
      }
      // The service's open-findings summary, when an open finding came, went or changed (a snapshot
      // that only sees its findings again writes nothing).
      // (Recomputed at the end, under the versions' lock: a triage change of this service may commit meanwhile.)
      if (full.length > 0 || fixed.length > 0 || sp.decisions.some((d) => d.kind === 'opened')) summaries.push(serviceId);
      if (fixStats.size > 0) {
        const stats = [...fixStats];
        await client.query(
          `INSERT INTO fix_stats (service_id, severity, fixed_count, open_seconds_total)
           SELECT $1, u.severity, u.n, u.s FROM unnest($2::text[], $3::bigint[], $4::bigint[]) AS u(severity, n, s)
           ON CONFLICT (service_id, severity) DO UPDATE SET fixed_count = fix_stats.fixed_count + excluded.fixed_count,
             open_seconds_total = fix_stats.open_seconds_total + excluded.open_seconds_total`,
          [serviceId, stats.map(([s]) => s), stats.map(([, v]) => v.count), stats.map(([, v]) => v.seconds)],
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
    if (summaries.length > 0) {
      await client.query(VERSION_LOCK_POSTGRES);
      for (const id of summaries) await client.query(SUMMARY_REFRESH, [id, id]);
    }
    // The repository's services this snapshot shows gone (store/retire.ts).
    const retired: string[] = [];
    const present = servicesOfRepositoryAt(report, plan.services.map((sp) => sp.name));
    if (present) {
      const live = (
        await client.query<{ id: string; name: string; last_snapshot_at: string | null; repository_folder: string | null }>(
          'SELECT id, name, last_snapshot_at, repository_folder FROM services WHERE lower(repository) = lower($1) AND retired_at IS NULL',
          [report.source.repository],
        )
      ).rows.map((r) => ({ id: Number(r.id), name: r.name, lastSnapshotAt: r.last_snapshot_at, folder: r.repository_folder }));
      const gone = servicesGone(present, live, createdAt, root);
      if (gone.length > 0) {
        await client.query('UPDATE services SET retired_at = $1 WHERE id = ANY($2::bigint[])', [createdAt, gone.map((g) => g.id)]);
        for (const g of gone) {
          changed.push(g.id);
          retired.push(g.name);
        }
      }
    }
    await client.query(VERSION_BUMP_POSTGRES, [changed]);
    const result = createdResult(report, plan, notable, moved, { retired, returned });
    const audit = ingestAuditRecords(report, result);
    await client.query(
      'INSERT INTO audit (at, actor, action, detail) SELECT $1, $2, u.action, u.detail FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS u(action, detail, n) ORDER BY u.n',
      [ingestedAt, actor, audit.map((r) => r.action), audit.map((r) => JSON.stringify(r.detail))],
    );
    return result;
  }

  return {
    async ingestScan(report, actor, scope = '*', options = {}) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await ingest(client, report, actor, (options.now ?? new Date()).toISOString(), scope, options.moveRepository === true);
        await client.query('COMMIT');
        written();
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

/** Rows of several services by service id (bigint: a string from pg). */
function byService<R extends { service_id: string | number }>(rows: readonly R[]): Map<number, R[]> {
  const out = new Map<number, R[]>();
  for (const r of rows) {
    const list = out.get(Number(r.service_id));
    if (list) list.push(r);
    else out.set(Number(r.service_id), [r]);
  }
  return out;
}
