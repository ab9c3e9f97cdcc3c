// SQLite read queries: the overview, one service, posture series, findings, scans. Every statement
// is prepared once; the figures come from tables kept up to date at ingest (posture_daily,
// fix_stats), so no read scans history.
import type Database from 'better-sqlite3';
import type { Severity } from '../../../src/findings/finding.js';
import { daysBetween, daysFrom } from '../days.js';
import { vulnIdQueryKey } from '../exploit.js';
import { assembleVulnerability } from '../vulnerability.js';
import { breachCorrections, overviewCounts, serviceBreaches, serviceBreachSql, SUMMARY_ALL_SQL, SUMMARY_OF_SERVICE_SQL, type ServiceBreachRow, type SummaryDbRow } from '../summary.js';
import {
  assembleOverview,
  assembleServiceFigures,
  FINDING_TRIAGE_COLUMNS,
  assembleStats,
  emptyCounts,
  toFindingDetail,
  toScanSummary,
  trendWindow,
  type FindingDbRow,
  type ScanDbRow,
  type ServiceDbRow,
} from '../rows.js';
import {
  assembleChanges,
  assembleWeek,
  changeEventsSql,
  changePostureSql,
  OLDEST_OPEN_SQL,
  FIRST_SNAPSHOT_DAY_SQL,
  REMEDIATION_FIXES_SLICE_SQL,
  REMEDIATION_PERIODS_SLICE_SQL,
  remediationInParts,
  remediationWindow,
  WEEK_COUNTS_SQL,
  WEEK_EVENTS_SQL,
  type ChangeEventDbRow,
  type ChangePostureDbRow,
  type OldestOpenDbRow,
  type RemediationFixDbRow,
  type RemediationPeriodDbRow,
  type WeekCountDbRow,
  type WeekEventDbRow,
  CHANGE_TURN_SQL,
  firstEventOf,
  type ChangeTurnRow,
  type ChangeTurnInputs,
} from '../week.js';
import { dayOf as dayOfTime } from '../days.js';
import {
  latestPerPullRequest,
  PULL_REQUEST_FINDINGS_SQL,
  PULL_REQUEST_SCAN_SQL,
  PULL_REQUEST_SCANS_SQL,
  toPullRequestFindings,
  type PullRequestFindingDbRow,
  type PullRequestScanDbRow,
} from '../pulls.js';
import { findingKeys, findingPage, findingPageSql, findingSortSql, SEVERITY_SQL_RANK, SQLITE_PAGE } from '../finding-page.js';
import { DataVersions, VERSIONS_SINCE_SQL, type VersionRow } from '../versions.js';
import { densePostureJson, posturePointSql, type PostureJsonRow } from '../posture.js';
import type { LifecycleEvent, PosturePoint, ReadStore, ServiceDetail, ServicePageDetail, SlaDays } from '../types.js';
import { LoopTurns } from './loop-turns.js';

// Days open: up to now for open findings and up to the fix for fixed ones (`?` = now).
const SORT_SQL = findingSortSql('(julianday(COALESCE(f.fixed_at, ?)) - julianday(f.opened_at))');

/**
 * The remediation trend's read in slices (loop-turns.ts): the events of this many finding ids, or of
 * this many event ids for the fixes, at a time (~1-3 ms each at 500 services x 365 days).
 */
const REMEDIATION_FINDINGS_PER_SLICE = 512;
const REMEDIATION_EVENTS_PER_SLICE = 16_384;

/** `readSliceMs`: how long a read of every service holds the event loop before it lets it turn (loop-turns.ts; tests: 0). */
export function createSqliteRead(db: Database.Database, sla: SlaDays, options: { readSliceMs?: number } = {}): ReadStore {
  const turns = new LoopTurns(options.readSliceMs);
  const q = {
    versionsSince: db.prepare<[number], VersionRow>(VERSIONS_SINCE_SQL),
    serviceByName: db.prepare<[string], ServiceDbRow>('SELECT * FROM services WHERE name = ?'),
    allServices: db.prepare<[], ServiceDbRow>('SELECT * FROM services ORDER BY name'),
    summaryAll: db.prepare<[], SummaryDbRow>(SUMMARY_ALL_SQL),
    // The trend window as one JSON object (day -> total) per service: 15,000 row objects at 500 services cost twice as much.
    postureTotalsSince: db.prepare<[string, string], { service_id: number; t: string }>(
      'SELECT service_id, json_group_object(day, total) AS t FROM posture_daily WHERE day >= ? AND day <= ? GROUP BY service_id',
    ),
    postureTotalBefore: db.prepare<[number, string], { total: number }>(
      'SELECT total FROM posture_daily WHERE service_id = ? AND day < ? ORDER BY day DESC LIMIT 1',
    ),
    summaryOfService: db.prepare<[number], { severity: Severity; open_count: number; suppressed_count: number; oldest_open: string | null }>(SUMMARY_OF_SERVICE_SQL),
    postureTotalsOfService: db.prepare<[number, string, string], { day: string; total: number }>(
      'SELECT day, total FROM posture_daily WHERE service_id = ? AND day >= ? AND day <= ?',
    ),
    fixStatsOfService: db.prepare<[number], { severity: Severity; fixed_count: number; open_seconds_total: number }>(
      'SELECT severity, fixed_count, open_seconds_total FROM fix_stats WHERE service_id = ?',
    ),
    // Only a point's columns, as arrays (`raw`): a year of full row objects cost more than the points.
    postureRange: db
      .prepare<[number, string, string], PostureTuple>(`SELECT ${POSTURE_TUPLE_COLUMNS} FROM posture_daily WHERE service_id = ? AND day >= ? AND day <= ? ORDER BY day`)
      .raw(),
    postureBefore: db
      .prepare<[number, string], PostureTuple>(`SELECT ${POSTURE_TUPLE_COLUMNS} FROM posture_daily WHERE service_id = ? AND day < ? ORDER BY day DESC LIMIT 1`)
      .raw(),
    // The service, the row before the range and the range's points as JSON text, in one statement
    // (store/posture.ts). Named parameters: the name and the range are used twice. The points come
    // in day order from an ordered subquery, which the primary key satisfies: SQLite keeps a FROM
    // subquery's ORDER BY under an aggregate other than count/min/max (select.c, SF_OrderByReqd),
    // while group_concat(... ORDER BY) would sort a year of points again (half the statement's time).
    postureJson: db.prepare<[{ name: string; from: string; to: string }], PostureJsonRow>(
      `SELECT (SELECT ${posturePointSql('sqlite', 'p')} FROM posture_daily p WHERE p.service_id = s.id AND p.day < @from ORDER BY p.day DESC LIMIT 1) AS before,
         r.n, r.first, r.last, r.points
       FROM services s,
         (SELECT count(*) AS n, min(day) AS first, max(day) AS last, group_concat(point, ',') AS points FROM
           (SELECT p.day, ${posturePointSql('sqlite', 'p')} AS point FROM posture_daily p
            WHERE p.service_id = (SELECT id FROM services WHERE name = @name) AND p.day >= @from AND p.day <= @to ORDER BY p.day)) r
       WHERE s.name = @name`,
    ),
    lastFindingId: db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM findings'),
    lastEventId: db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM finding_events'),
    remediationPeriods: db.prepare<[string, number, number], RemediationPeriodDbRow>(REMEDIATION_PERIODS_SLICE_SQL),
    remediationFixes: db.prepare<[string, string, number, number], RemediationFixDbRow>(REMEDIATION_FIXES_SLICE_SQL),
    firstSnapshotDay: db.prepare<[], { day: string | null }>(FIRST_SNAPSHOT_DAY_SQL),
    findingByKey: db.prepare<[string, string], FindingDbRow>(
      `SELECT f.*, s.name AS service, ${FINDING_TRIAGE_COLUMNS} FROM findings f JOIN services s ON s.id = f.service_id LEFT JOIN triage t ON t.service_id = f.service_id AND t.fingerprint = f.fingerprint WHERE s.name = ? AND f.fingerprint = ?`,
    ),
    eventsOfFinding: db.prepare<[number], { kind: LifecycleEvent['kind']; at: string; scan_id: string; open_seconds: number | null }>(
      'SELECT e.kind, e.at, sc.scan_id, e.open_seconds FROM finding_events e JOIN scans sc ON sc.id = e.scan_pk WHERE e.finding_id = ? ORDER BY e.at, e.id',
    ),
    scansOfFinding: db.prepare<[number], { scan_id: string; kind: 'snapshot' | 'pr'; created_at: string; commit_sha: string | null }>(
      `SELECT sc.scan_id, sc.kind, sc.created_at, sc.commit_sha FROM finding_scans fs JOIN scans sc ON sc.id = fs.scan_pk
       WHERE fs.finding_id = ? ORDER BY sc.created_at DESC LIMIT 100`,
    ),
    pullRequestScans: db.prepare<[string], PullRequestScanDbRow>(PULL_REQUEST_SCANS_SQL),
    pullRequestScan: db.prepare<[string, string], PullRequestScanDbRow & { scan_pk: number; service_id: number }>(PULL_REQUEST_SCAN_SQL),
    pullRequestFindings: db.prepare<[number, number], PullRequestFindingDbRow>(PULL_REQUEST_FINDINGS_SQL),
    aliasKeys: db.prepare<[string], { vuln_id: string }>(
      'SELECT DISTINCT b.vuln_id FROM finding_ids a JOIN finding_ids b ON b.finding_id = a.finding_id WHERE a.vuln_id = ?',
    ),
    scansOfService: db.prepare<[number, number], ScanDbRow>(
      `SELECT sc.scan_id, ss.kind, ss.created_at, ss.gate_outcome, ss.counts, ss.finding_count, ss.scanners,
         sc.repository, sc.ref, sc.commit_sha, sc.pull_request, sc.run_url, sc.ingested_by
       FROM scan_services ss JOIN scans sc ON sc.id = ss.scan_pk
       WHERE ss.service_id = ? ORDER BY ss.created_at DESC, ss.scan_pk DESC LIMIT ?`,
    ),
  };

  /** Dynamic finding queries (filter combinations), each prepared once and reused. */
  const dynamic = new Map<string, Database.Statement>();
  const prepared = (sql: string): Database.Statement => {
    let st = dynamic.get(sql);
    if (!st) dynamic.set(sql, (st = db.prepare(sql)));
    return st;
  };

  /** One service's open and suppressed counts, oldest open finding and SLA breaches per severity. */
  function serviceCounts(s: ServiceDbRow, now: Date) {
    const open = emptyCounts();
    let suppressed = 0;
    const oldest = new Map<Severity, string>();
    for (const r of q.summaryOfService.all(s.id)) {
      suppressed += r.suppressed_count;
      if (r.open_count > 0) {
        open[r.severity] = r.open_count;
        oldest.set(r.severity, r.oldest_open!);
      }
    }
    // The SLA breaches from the summary's open counts and the findings inside their SLA window (summary.ts).
    const breach = serviceBreachSql(sla, now);
    const breachBySeverity = serviceBreaches(sla, open, prepared(breach.sql).all(...breach.params, s.id) as ServiceBreachRow[], now);
    let breaches = 0;
    for (const n of breachBySeverity.values()) breaches += n;
    return { open, suppressed, breaches, oldest, breachBySeverity };
  }

  /** A service's per-severity figures (getService, serviceHead). */
  const statsOf = (s: ServiceDbRow, now: Date, c: ReturnType<typeof serviceCounts>) =>
    assembleStats(sla, now, c.oldest, new Map(q.fixStatsOfService.all(s.id).map((r) => [r.severity, r])), c.breachBySeverity);

  /** One service as getService answers it, from per-service queries (a service page never needs all services). */
  function serviceDetail(s: ServiceDbRow, now: Date): ServiceDetail {
    const window = trendWindow(now);
    const c = serviceCounts(s, now);
    const totals = new Map(q.postureTotalsOfService.all(s.id, window.first, window.today).map((r) => [r.day, r.total]));
    const totalBefore = totals.has(window.first) ? 0 : (q.postureTotalBefore.get(s.id, window.first)?.total ?? null);
    const overview = assembleOverview({ service: s, open: c.open, suppressed: c.suppressed, breaches: c.breaches, totals, totalBefore }, now);
    return { ...overview, path: s.path, firstSeenAt: s.first_seen_at, stats: statsOf(s, now, c) };
  }
  /** serviceDetail without the trend, nor its reads (serviceHead: a service page draws no trend). */
  function servicePageDetail(s: ServiceDbRow, now: Date): ServicePageDetail {
    const c = serviceCounts(s, now);
    const figures = assembleServiceFigures({ service: s, open: c.open, suppressed: c.suppressed, breaches: c.breaches }, now);
    return { ...figures, path: s.path, firstSeenAt: s.first_seen_at, stats: statsOf(s, now, c) };
  }
  /** One service's newest scans, as listScans answers them. */
  const scansOf = (s: ServiceDbRow, limit: number) => q.scansOfService.all(s.id, limit).map((r) => toScanSummary(s.name, r));
  const postureOf = (s: ServiceDbRow, { from, to }: { from: string; to: string }) =>
    from > to ? [] : densePosture(q.postureRange.all(s.id, from, to), q.postureBefore.get(s.id, from), from, to);

  /** One service's change and its turn from one walk of its events (serviceChangeWithTurn, serviceHead). */
  function changeWithTurnOf(since: string, service: string) {
    const events = prepared(changeEventsSql(true)).all(since, service) as ChangeEventDbRow[];
    // The events' earliest, not CHANGE_TURN_SQL.firstEvent: that walked the same events again.
    return { changes: changesOf(since, service, events), turn: changeTurnOf(since, service, firstEventOf(events)) };
  }

  const versions = new DataVersions((since) => q.versionsSince.all(since), false);

  /** Each service's change since `since` (one service's when given) from its events in the window. */
  const changesOf = (since: string, service: string | undefined, events: ChangeEventDbRow[]) => {
    const one = service !== undefined;
    const extra = one ? [service] : [];
    return assembleChanges(
      dayOfTime(since),
      prepared(changePostureSql('baseline', one)).all(since, ...extra) as ChangePostureDbRow[],
      prepared(changePostureSql('first', one)).all(...extra) as ChangePostureDbRow[],
      prepared(changePostureSql('latest', one)).all(...extra) as ChangePostureDbRow[],
      events,
    );
  };
  /** What moves one service's change as `since` moves on, given its first event in the window. */
  const changeTurnOf = (since: string, service: string, firstEventAt: string | null): ChangeTurnInputs => ({
    baseline: prepared(CHANGE_TURN_SQL.baseline).get(since, service) as ChangeTurnRow | undefined,
    later: prepared(CHANGE_TURN_SQL.later).all(dayOfTime(since), since, service) as ChangeTurnRow[],
    firstEventAt,
  });
  return {
    sla,
    dataVersion: () => versions.global(),
    serviceVersion: (name) => versions.service(name),
    onServicesMoved: (listener) => versions.onServicesMoved(listener),

    async listServiceOverview(now = new Date()) {
      const window = trendWindow(now);
      // Reads of every service (~15 ms in all at 500 services): a turn of the event loop between
      // them once a slice is long (loop-turns.ts).
      await turns.pause();
      // Open counts from the summary; the SLA breaches from it and two index-bounded corrections (summary.ts).
      const c = breachCorrections(sla, now);
      const { open, suppressed, breaches } = overviewCounts(
        sla,
        q.summaryAll.all(),
        prepared(c.notYet.sql).all(...c.notYet.params) as { service_id: number; n: number }[],
        prepared(c.kevOnly.sql).all(...c.kevOnly.params) as { service_id: number; n: number }[],
      );
      await turns.pause();
      const totals = new Map<number, Map<string, number>>(
        q.postureTotalsSince.all(window.first, window.today).map((r) => [r.service_id, new Map(Object.entries(JSON.parse(r.t) as Record<string, number>))]),
      );
      await turns.pause();
      return q.allServices.all().map((s) => {
        const byDay = totals.get(s.id);
        // Only a service without a snapshot on the window's first day needs the row before it.
        const totalBefore = byDay?.has(window.first) ? 0 : (q.postureTotalBefore.get(s.id, window.first)?.total ?? null);
        return assembleOverview(
          { service: s, open: open.get(s.id) ?? emptyCounts(), suppressed: suppressed.get(s.id) ?? 0, breaches: breaches.get(s.id) ?? 0, totals: byDay, totalBefore },
          now,
        );
      });
    },

    async hasService(name) {
      return q.serviceByName.get(name) !== undefined;
    },

    async getService(name, now = new Date()) {
      const s = q.serviceByName.get(name);
      return s && serviceDetail(s, now);
    },

    async serviceHead(name, now, since, scanLimit, posture) {
      // The same statements as the reads apart, the service looked up once.
      const s = q.serviceByName.get(name);
      if (!s) return undefined;
      const head = { service: servicePageDetail(s, now), scans: scansOf(s, scanLimit), ...changeWithTurnOf(since, name) };
      return posture ? { ...head, posture: postureOf(s, posture) } : head;
    },

    async postureSeries(service, range) {
      const s = q.serviceByName.get(service);
      return s ? postureOf(s, range) : [];
    },

    async postureJson(service, { from, to }) {
      const row = q.postureJson.get({ name: service, from, to });
      return row && densePostureJson(row, from, to);
    },

    async listFindings(filter, now = new Date(), shown = false) {
      // One statement: the page as JSON text and its total (finding-page.ts).
      const page = findingPageSql(SQLITE_PAGE, SORT_SQL, filter, sla, now, shown ? 'shown' : 'rows');
      return findingPage(prepared(page.sql).get(...page.params) as { items: string; total: number }, now, sla, shown);
    },

    async listFindingKeys(filter, now = new Date()) {
      const page = findingPageSql(SQLITE_PAGE, SORT_SQL, filter, sla, now, 'keys');
      return findingKeys(prepared(page.sql).get(...page.params) as { items: string; total: number });
    },

    async getFinding(service, fingerprint, now = new Date()) {
      const r = q.findingByKey.get(service, fingerprint);
      if (!r) return undefined;
      return toFindingDetail(r, q.eventsOfFinding.all(r.id), q.scansOfFinding.all(r.id), now, sla);
    },

    async listScans(service, limit) {
      const s = q.serviceByName.get(service);
      return s ? scansOf(s, limit) : [];
    },

    async listPullRequests(since) {
      return latestPerPullRequest(q.pullRequestScans.all(since));
    },

    async getPullRequestScan(service, scanId, now = new Date()) {
      const r = q.pullRequestScan.get(service, scanId);
      if (!r) return undefined;
      return { scan: latestPerPullRequest([r])[0], findings: toPullRequestFindings(q.pullRequestFindings.all(r.scan_pk, r.service_id), now) };
    },

    async weekSummary(since, limit) {
      // Reads of every service's events (~6-10 ms each at 500 services x 365 days): a turn of the
      // event loop between them once a slice is long (loop-turns.ts), as in the reads below.
      await turns.pause();
      const counts = prepared(WEEK_COUNTS_SQL).all(since) as WeekCountDbRow[];
      await turns.pause();
      const events = prepared(WEEK_EVENTS_SQL).all(since, limit) as WeekEventDbRow[];
      await turns.pause();
      return assembleWeek(since, counts, events, prepared(OLDEST_OPEN_SQL).all() as OldestOpenDbRow[]);
    },

    async serviceChanges(since, service) {
      if (service !== undefined) return changesOf(since, service, prepared(changeEventsSql(true)).all(since, service) as ChangeEventDbRow[]);
      await turns.pause();
      const events = prepared(changeEventsSql(false)).all(since) as ChangeEventDbRow[];
      await turns.pause();
      const baseline = prepared(changePostureSql('baseline', false)).all(since) as ChangePostureDbRow[];
      await turns.pause();
      const first = prepared(changePostureSql('first', false)).all() as ChangePostureDbRow[];
      await turns.pause();
      return assembleChanges(dayOfTime(since), baseline, first, prepared(changePostureSql('latest', false)).all() as ChangePostureDbRow[], events);
    },

    async serviceChangeWithTurn(since, service) {
      return changeWithTurnOf(since, service);
    },

    async serviceChangeTurn(since, service) {
      return changeTurnOf(since, service, (prepared(CHANGE_TURN_SQL.firstEvent).get(since, service) as { at: string | null }).at);
    },

    async remediationTrend(now, days) {
      // Every finding that counts and its events (~0.5 s in one statement at 500 services x 365
      // days), read in slices of finding ids with turns of the event loop between them. A change
      // committed meanwhile moves the data version this answer is cached under (read before it):
      // nobody at the new version is served it. Each finding's events are read in one slice.
      const w = remediationWindow(now, days);
      const trend = remediationInParts(w.from, w.to, now, sla);
      const lastFinding = q.lastFindingId.get()?.id ?? 0;
      for (let lo = 0; lo < lastFinding; lo += REMEDIATION_FINDINGS_PER_SLICE) {
        await turns.pause();
        trend.addPeriods(q.remediationPeriods.all(w.fromAt, lo, lo + REMEDIATION_FINDINGS_PER_SLICE));
      }
      const lastEvent = q.lastEventId.get()?.id ?? 0;
      for (let lo = 0; lo < lastEvent; lo += REMEDIATION_EVENTS_PER_SLICE) {
        await turns.pause();
        trend.addFixes(q.remediationFixes.all(w.fromAt, w.endAt, lo, lo + REMEDIATION_EVENTS_PER_SLICE));
      }
      return trend.finish(q.firstSnapshotDay.get()?.day ?? null);
    },

    async findVulnerability(query, now = new Date()) {
      const key = vulnIdQueryKey(query);
      if (!key) return undefined;
      // One hop through aliases: every id of every finding (open or fixed) that carries this one.
      const keys = (q.aliasKeys.all(key) as { vuln_id: string }[]).map((r) => r.vuln_id);
      if (!keys.includes(key)) keys.push(key);
      const rows = prepared(
        `SELECT f.*, s.name AS service, ${FINDING_TRIAGE_COLUMNS} FROM findings f JOIN services s ON s.id = f.service_id
         LEFT JOIN triage t ON t.service_id = f.service_id AND t.fingerprint = f.fingerprint
         WHERE f.state = 'open' AND f.id IN (SELECT finding_id FROM finding_ids WHERE vuln_id IN (${keys.map(() => '?').join(', ')}))
         ORDER BY s.name, ${SEVERITY_SQL_RANK} DESC, f.opened_at, f.id`,
      ).all(...keys) as FindingDbRow[];
      return assembleVulnerability(query, key, rows, now, sla);
    },
  };
}

/** A posture_daily row as selected by POSTURE_TUPLE_COLUMNS (an array, not an object). */
export type PostureTuple = [day: string, critical: number, high: number, medium: number, low: number, info: number, unknown: number, total: number];
export const POSTURE_TUPLE_COLUMNS = 'day, critical, high, medium, low, info, unknown, total';

/**
 * Every day of [from, to] from the first snapshot on, carrying the latest row forward. `rows`: the
 * range's rows in day order (one per day), walked once alongside the days (no map of them).
 */
export function densePosture(rows: PostureTuple[], before: PostureTuple | undefined, from: string, to: string): PosturePoint[] {
  let carry = before;
  const points: PosturePoint[] = [];
  let next = 0;
  for (const day of daysFrom(from, daysBetween(from, to) + 1)) {
    while (next < rows.length && rows[next][0] < day) next++;
    const row = next < rows.length && rows[next][0] === day ? rows[next++] : undefined;
    if (row) carry = row;
    if (!carry) continue;
    points.push({
      day,
      critical: Number(carry[1]),
      high: Number(carry[2]),
      medium: Number(carry[3]),
      low: Number(carry[4]),
      info: Number(carry[5]),
      unknown: Number(carry[6]),
      total: Number(carry[7]),
      snapshot: row !== undefined,
    });
  }
  return points;
}
