// PostgreSQL read queries: the same answers as sqlite/read.ts (same tables, same assembly in rows.ts).
//
// A read under load pays per round trip, so: every query is a named prepared statement (parsed and
// planned once per connection), a service's id is looked up once per process (services are never
// deleted or renamed), a posture series is one query, and concurrent requests share one read of
// the data versions (see `createDataVersion`).
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Severity } from '../../../src/findings/finding.js';
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
import { densePosture, POSTURE_TUPLE_COLUMNS, type PostureTuple } from '../sqlite/read.js';
import { numberPlaceholders, vulnIdQueryKey } from '../exploit.js';
import { assembleVulnerability } from '../vulnerability.js';
import { breachCorrections, overviewCounts, serviceBreaches, serviceBreachSql, SUMMARY_ALL_SQL, type SummaryDbRow } from '../summary.js';
import {
  assembleChanges,
  assembleRemediation,
  assembleWeek,
  changeEventsSql,
  changePostureSql,
  OLDEST_OPEN_SQL,
  FIRST_SNAPSHOT_DAY_SQL,
  REMEDIATION_FIXES_SQL,
  REMEDIATION_PERIODS_SQL,
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
  type ChangeTurnInputs,
  type ChangeTurnRow,
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
import { findingKeys, findingPage, findingPageSql, findingSortSql, POSTGRES_PAGE, SEVERITY_SQL_RANK } from '../finding-page.js';
import { DataVersions, VERSIONS_SINCE_SQL, type VersionRow } from '../versions.js';
import { densePostureJson, posturePointSql, type PostureJsonRow } from '../posture.js';
import type { LifecycleEvent, ReadStore, ServiceChange, ServiceDetail, ServicePageDetail, SlaDays } from '../types.js';

// Days open, up to now for open findings and up to the fix for fixed ones ($n = now).
const SORT_SQL = findingSortSql('(EXTRACT(EPOCH FROM (COALESCE(f.fixed_at, ?)::timestamptz - f.opened_at::timestamptz)))');

/**
 * Texts already named or numbered, and their name or `$n` text. A findings page's text is ~2 KB:
 * hashing and renumbering it cost a miss ~10 us of CPU, each time for the same few texts (one per
 * filter shape). Bounded: a text set without end (an IN list per length) only empties it.
 */
class TextMemo {
  private readonly known = new Map<string, string>();
  constructor(private readonly derive: (text: string) => string) {}
  of(text: string): string {
    let derived = this.known.get(text);
    if (derived === undefined) {
      if (this.known.size >= 2_000) this.known.clear();
      this.known.set(text, (derived = this.derive(text)));
    }
    return derived;
  }
}

const statementNames = new TextMemo((text) => `gh_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`);

/** A query as a named prepared statement: the name is the text's hash, so one name is always one text. */
function prepared(text: string, values: unknown[]): pg.QueryConfig {
  return { name: statementNames.of(text), text, values };
}

/**
 * The data versions (store/versions.ts), read in one prepared query shared by the requests that ask
 * while it is in flight; `moved` after each write of this process, so it reads its own writes.
 */
export function createDataVersion(pool: pg.Pool): DataVersions {
  const text = VERSIONS_SINCE_SQL.replace('?', '$1');
  return new DataVersions(async (since) => (await pool.query<VersionRow>(prepared(text, [since]))).rows, true);
}

/**
 * A value of the clock (a cutoff, a day) behind a sub-select: the planner plans without it, so the
 * plan fits every instant and PostgreSQL keeps one per connection (a generic plan). Compared as
 * parameters, each request's values made its own plan cheaper on paper and PostgreSQL planned every
 * service read again (~0.8 ms of its CPU per read at 10 million findings, half of it).
 */
const CLOCK_VALUE = '(SELECT CAST(? AS TEXT))';

const numberedTexts = new TextMemo((sql) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
});

/** `?` placeholders to PostgreSQL's `$n`. */
function numbered(sql: string): string {
  return numberedTexts.of(sql);
}

/** A subquery answering `sql`'s rows as one JSON array (`order`: inside json_agg), so several reads go in one statement. */
const jsonRows = (sql: string, order = '') => `(SELECT coalesce(json_agg(row_to_json(r)${order}), '[]') FROM (${sql}) r)`;

/**
 * One service's newest scans (listScans' statement): `serviceId` is an SQL expression of the
 * service's id. The limit as text: with `LIMIT $n` PostgreSQL planned every call again (~0.4 ms at
 * 10 million findings), its plan for an unknown limit costing more than the one for 20.
 */
const scansSql = (serviceId: string, limit: number) =>
  `SELECT sc.scan_id, ss.scan_pk, ss.kind, ss.created_at, ss.gate_outcome, ss.counts, ss.finding_count, ss.scanners,
     sc.repository, sc.ref, sc.commit_sha, sc.pull_request, sc.run_url, sc.ingested_by
   FROM scan_services ss JOIN scans sc ON sc.id = ss.scan_pk
   WHERE ss.service_id = ${serviceId} ORDER BY ss.created_at DESC, ss.scan_pk DESC LIMIT ${limit}`;

/** serviceChangeWithTurn's reads, each a JSON array of the rows it returns on its own. */
interface ChangeWithTurnParts {
  baseline: ChangePostureDbRow[];
  first: ChangePostureDbRow[];
  latest: ChangePostureDbRow[];
  events: ChangeEventDbRow[];
  turn_baseline: ChangeTurnRow[];
  later: ChangeTurnRow[];
}

/**
 * The columns of ChangeWithTurnParts (`?` parameters, in order). `hidden`: each value behind a
 * sub-select (CLOCK_VALUE), as getService's clock values: in one statement with those, a value the
 * planner could see made PostgreSQL plan the whole statement again on every call (its custom plans
 * looked cheaper), getService's part included.
 */
function changeWithTurnParts(since: string, service: string, hidden = false): { sql: string; params: string[] } {
  const sql =
    `${jsonRows(changePostureSql('baseline', true))} AS baseline, ${jsonRows(changePostureSql('first', true))} AS first, ` +
    `${jsonRows(changePostureSql('latest', true))} AS latest, ${jsonRows(changeEventsSql(true))} AS events, ` +
    `${jsonRows(CHANGE_TURN_SQL.baseline)} AS turn_baseline, ${jsonRows(CHANGE_TURN_SQL.later, ' ORDER BY r.snapshot_at')} AS later`;
  return {
    sql: hidden ? sql.replace(/\?/g, CLOCK_VALUE) : sql,
    params: [since, service, service, service, since, service, since, service, dayOfTime(since), since, service],
  };
}

/**
 * postureSeries' rows beside serviceHead's (a JSON array of PostureTuple in day order: the day before
 * the range, then the range), its three values (from, from, to) behind sub-selects as the head's
 * clock values, so the head's statement keeps one plan.
 */
const POSTURE_RANGE_PART = `(SELECT coalesce(json_agg(json_build_array(${POSTURE_TUPLE_COLUMNS}) ORDER BY p.day), '[]') FROM
    ((SELECT ${POSTURE_TUPLE_COLUMNS} FROM posture_daily WHERE service_id = s.id AND day < ${CLOCK_VALUE} ORDER BY day DESC LIMIT 1)
     UNION ALL (SELECT ${POSTURE_TUPLE_COLUMNS} FROM posture_daily WHERE service_id = s.id AND day >= ${CLOCK_VALUE} AND day <= ${CLOCK_VALUE})) p) AS chart_rows`;

/** serviceChangeWithTurn's answer from its parts. */
function changeWithTurn(since: string, parts: ChangeWithTurnParts): { changes: ServiceChange[]; turn: ChangeTurnInputs } {
  return {
    changes: assembleChanges(dayOfTime(since), parts.baseline, parts.first, parts.latest, parts.events),
    turn: { baseline: parts.turn_baseline[0], later: parts.later, firstEventAt: firstEventOf(parts.events) },
  };
}

/** getService's row: the service and its four figures, each a JSON array of rows. */
type PageFiguresRow = ServiceDbRow & {
  open_rows: [Severity, number, number, string | null][];
  breach_rows: [Severity, number, number, string | null, string | null][];
  fix_rows: [Severity, number, number][];
};
type ServiceFiguresRow = PageFiguresRow & { posture_rows: [string, number][] };

/** The most service ids a process keeps (services are a few thousand; a bound all the same). */
const SERVICE_IDS_MAX = 100_000;
/** How often at most every service's id is read again for a name not known (services created since). */
const SERVICE_IDS_REREAD_MS = 60_000;

export function createPostgresRead(pool: pg.Pool, sla: SlaDays, version = createDataVersion(pool)): ReadStore {
  const rows = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> => {
    try {
      return (await pool.query<T>(prepared(sql, params))).rows;
    } catch (err) {
      // A newer Gatehouse migrated the schema under this process (a rolling upgrade): a prepared
      // `SELECT *` may no longer return its first shape. Ask again unprepared.
      if ((err as { code?: string }).code === '0A000') return (await pool.query<T>(sql, params)).rows;
      throw err;
    }
  };
  // Known services' ids (a service row is never deleted or renamed, so an id once read stays true).
  const serviceIds = new Map<string, number>();
  const remember = (name: string, id: number) => {
    if (serviceIds.size >= SERVICE_IDS_MAX) serviceIds.clear();
    serviceIds.set(name, id);
  };
  // Every service's id, read at the first name not known and again at most every SERVICE_IDS_REREAD_MS:
  // the first visit of each service's page (a route asks hasService first) was a round trip of its own.
  let everyId: { at: number; read: Promise<void> } | undefined;
  const readEveryId = (): Promise<void> => {
    if (everyId && Date.now() - everyId.at < SERVICE_IDS_REREAD_MS) return everyId.read;
    const read = rows<{ id: string; name: string }>(`SELECT id, name FROM services LIMIT ${SERVICE_IDS_MAX}`).then((all) => {
      for (const r of all) remember(r.name, Number(r.id));
    });
    everyId = { at: Date.now(), read };
    // A failed read is tried again by the next name.
    read.catch(() => (everyId = undefined));
    return read;
  };
  const serviceId = async (name: string): Promise<number | undefined> => {
    const known = serviceIds.get(name);
    if (known !== undefined) return known;
    const fresh = !everyId || Date.now() - everyId.at >= SERVICE_IDS_REREAD_MS;
    await readEveryId();
    const read = serviceIds.get(name);
    if (read !== undefined || fresh) return read;
    // Not among the ids read a moment ago (a service created since, or none): asked alone.
    const r = (await rows<{ id: string }>('SELECT id FROM services WHERE name = $1', [name]))[0];
    if (!r) return undefined;
    remember(name, Number(r.id));
    return Number(r.id);
  };

  /**
   * getService's statement (`$n` parameters and their values): the service row and its four figures,
   * each as a JSON array of rows (open counts from the service's summary, SLA breach corrections, the
   * trend window's days and the day before it, fix stats), the same rows four queries returned;
   * `more`: columns after them (`?` parameters). Without `trend`, no trend's days (serviceHead: a
   * service page draws no trend).
   */
  const serviceStatement = (now: Date, name: string, more?: { sql: string; params: unknown[] }, trend = true): [string, unknown[]] => {
    // The SLA breaches from the summary's open counts and the service's findings inside their SLA window (summary.ts).
    const breach = serviceBreachSql(sla, now, 's.id', CLOCK_VALUE);
    const window = trend ? trendWindow(now) : undefined;
    return [
      numbered(`SELECT s.*,
         (SELECT coalesce(json_agg(json_build_array(o.severity, o.open_count, o.suppressed_count, o.oldest_open)), '[]') FROM service_summary o
           WHERE o.service_id = s.id AND (o.open_count > 0 OR o.suppressed_count > 0)) AS open_rows,
         (SELECT coalesce(json_agg(json_build_array(b.severity, b.fresh, b.kev, b.next_opened, b.next_kev_due)), '[]') FROM (${breach.sql}) b) AS breach_rows,${
           window
             ? `
         (SELECT coalesce(json_agg(json_build_array(p.day, p.total)), '[]') FROM
           ((SELECT day, total FROM posture_daily WHERE service_id = s.id AND day < ${CLOCK_VALUE} ORDER BY day DESC LIMIT 1)
            UNION ALL (SELECT day, total FROM posture_daily WHERE service_id = s.id AND day >= ${CLOCK_VALUE} AND day <= ${CLOCK_VALUE})) p) AS posture_rows,`
             : ''
         }
         (SELECT coalesce(json_agg(json_build_array(x.severity, x.fixed_count, x.open_seconds_total)), '[]') FROM fix_stats x WHERE x.service_id = s.id) AS fix_rows${more ? `,
         ${more.sql}` : ''}
       FROM services s WHERE s.name = ?`),
      [...breach.params, ...(window ? [window.first, window.first, window.today] : []), ...(more?.params ?? []), name],
    ];
  };
  /** A service's row and figures from its statement's row, but the trend. */
  const figuresOf = (found: PageFiguresRow, now: Date) => {
    const { open_rows, breach_rows, fix_rows, ...row } = found;
    const s = { ...row, id: Number(row.id) };
    remember(s.name, s.id);
    const openRows = open_rows.map(([severity, open_count, suppressed_count, oldest_open]) => ({ severity, open_count, suppressed_count, oldest_open }));
    const breachRows = breach_rows.map(([severity, fresh, kev, next_opened, next_kev_due]) => ({ severity, fresh, kev, next_opened, next_kev_due }));
    const fixRows = fix_rows.map(([severity, fixed_count, open_seconds_total]) => ({ severity, fixed_count, open_seconds_total }));
    const open = emptyCounts();
    let suppressed = 0;
    const oldest = new Map<Severity, string>();
    for (const r of openRows) {
      suppressed += r.suppressed_count;
      if (r.open_count > 0) {
        open[r.severity] = r.open_count;
        oldest.set(r.severity, r.oldest_open!);
      }
    }
    const breachBySeverity = serviceBreaches(sla, open, breachRows, now);
    let breaches = 0;
    for (const n of breachBySeverity.values()) breaches += n;
    const fixes = new Map(fixRows.map((r) => [r.severity, { fixed_count: Number(r.fixed_count), open_seconds_total: Number(r.open_seconds_total) }]));
    return { s, open, suppressed, breaches, stats: assembleStats(sla, now, oldest, fixes, breachBySeverity) };
  };
  /** getService's answer from its statement's row. */
  const serviceDetail = (found: ServiceFiguresRow, now: Date): ServiceDetail => {
    const window = trendWindow(now);
    const { posture_rows, ...page } = found;
    const { s, open, suppressed, breaches, stats } = figuresOf(page, now);
    const postureRows = posture_rows.map(([day, total]) => ({ day, total }));
    const totals = new Map(postureRows.filter((r) => r.day >= window.first).map((r) => [r.day, r.total]));
    const totalBefore = totals.has(window.first) ? 0 : (postureRows.find((r) => r.day < window.first)?.total ?? null);
    const overview = assembleOverview({ service: s, open, suppressed, breaches, totals, totalBefore }, now);
    return { ...overview, path: s.path, firstSeenAt: s.first_seen_at, stats };
  };
  /** serviceDetail without the trend, from a statement without it (serviceHead). */
  const servicePageDetail = (found: PageFiguresRow, now: Date): ServicePageDetail => {
    const { s, open, suppressed, breaches, stats } = figuresOf(found, now);
    return { ...assembleServiceFigures({ service: s, open, suppressed, breaches }, now), path: s.path, firstSeenAt: s.first_seen_at, stats };
  };

  return {
    sla,
    dataVersion: () => version.global(),
    serviceVersion: (name) => version.service(name),
    onServicesMoved: (listener) => version.onServicesMoved(listener),

    async listServiceOverview(now = new Date()) {
      const window = trendWindow(now);
      // Open counts from the summary; the SLA breaches from it and two index-bounded corrections (summary.ts).
      const c = breachCorrections(sla, now);
      // Independent reads at once (each on its own pooled connection). The trend window comes as one
      // JSON object of day -> total per service (150,000 rows at 5,000 services were most of the
      // process's CPU and garbage as row objects).
      const [summaryRows, notYetRows, kevOnlyRows, postureRows, serviceRows] = await Promise.all([
        rows<SummaryDbRow>(SUMMARY_ALL_SQL),
        rows<{ service_id: string; n: string }>(numberPlaceholders(c.notYet.sql), c.notYet.params),
        rows<{ service_id: string; n: string }>(numberPlaceholders(c.kevOnly.sql), c.kevOnly.params),
        rows<{ service_id: string; t: Record<string, number> }>(
          'SELECT service_id, json_object_agg(day, total) AS t FROM posture_daily WHERE day >= $1 AND day <= $2 GROUP BY service_id',
          [window.first, window.today],
        ),
        rows<ServiceDbRow>('SELECT * FROM services ORDER BY name'),
      ]);
      const { open, suppressed, breaches } = overviewCounts(sla, summaryRows, notYetRows, kevOnlyRows);
      const totals = new Map<number, Map<string, number>>(postureRows.map((r) => [Number(r.service_id), new Map(Object.entries(r.t))]));
      const services = serviceRows.map((raw) => ({ ...raw, id: Number(raw.id) }));
      // The row before the window, only for the services without one on its first day (one index
      // probe each; a service snapshotted daily needs none).
      const missing = services.filter((s) => !totals.get(s.id)?.has(window.first)).map((s) => s.id);
      const before = new Map(
        missing.length === 0
          ? []
          : (
              await rows<{ service_id: string; total: number }>(
                `SELECT u.id AS service_id, p.total FROM unnest($1::bigint[]) AS u(id)
                 CROSS JOIN LATERAL (SELECT total FROM posture_daily WHERE service_id = u.id AND day < $2 ORDER BY day DESC LIMIT 1) p`,
                [missing, window.first],
              )
            ).map((r) => [Number(r.service_id), r.total]),
      );
      return services.map((s) => {
        const byDay = totals.get(s.id);
        const totalBefore = byDay?.has(window.first) ? 0 : (before.get(s.id) ?? null);
        return assembleOverview(
          { service: s, open: open.get(s.id) ?? emptyCounts(), suppressed: suppressed.get(s.id) ?? 0, breaches: breaches.get(s.id) ?? 0, totals: byDay, totalBefore },
          now,
        );
      });
    },

    async hasService(name) {
      return (await serviceId(name)) !== undefined;
    },

    async getService(name, now = new Date()) {
      const found = (await rows<ServiceFiguresRow>(...serviceStatement(now, name)))[0];
      return found && serviceDetail(found, now);
    },

    async serviceHead(name, now, since, scanLimit, posture) {
      if (!Number.isSafeInteger(scanLimit) || scanLimit < 0) throw new RangeError(`serviceHead: scanLimit must be a whole number of scans, not ${scanLimit}`);
      // getService's statement with the scans and serviceChangeWithTurn's parts beside its figures,
      // and the chart's posture when asked: one round trip where a page nobody rendered waited on four.
      const change = changeWithTurnParts(since, name, true);
      const chart = posture && posture.from <= posture.to ? POSTURE_RANGE_PART : undefined;
      const [found] = await rows<PageFiguresRow & { scan_rows: ScanDbRow[]; chart_rows?: PostureTuple[] } & ChangeWithTurnParts>(
        ...serviceStatement(
          now,
          name,
          {
            sql: `${jsonRows(scansSql('s.id', scanLimit), ' ORDER BY r.created_at DESC, r.scan_pk DESC')} AS scan_rows, ${change.sql}${chart ? `, ${chart}` : ''}`,
            params: [...change.params, ...(chart ? [posture!.from, posture!.from, posture!.to] : [])],
          },
          false,
        ),
      );
      if (!found) return undefined;
      const head = { service: servicePageDetail(found, now), scans: found.scan_rows.map((r) => toScanSummary(name, r)), ...changeWithTurn(since, found) };
      if (!posture) return head;
      if (!found.chart_rows) return { ...head, posture: [] };
      const before = found.chart_rows[0] && found.chart_rows[0][0] < posture.from ? found.chart_rows[0] : undefined;
      return { ...head, posture: densePosture(before ? found.chart_rows.slice(1) : found.chart_rows, before, posture.from, posture.to) };
    },

    async postureSeries(service, { from, to }) {
      const id = await serviceId(service);
      if (id === undefined || from > to) return [];
      // The range and the day before it, in one query.
      // Only a point's columns, as arrays (rowMode 'array'): no row object per day.
      const sql = `SELECT * FROM ((SELECT ${POSTURE_TUPLE_COLUMNS} FROM posture_daily WHERE service_id = $1 AND day < $2 ORDER BY day DESC LIMIT 1)
           UNION ALL (SELECT ${POSTURE_TUPLE_COLUMNS} FROM posture_daily WHERE service_id = $1 AND day >= $2 AND day <= $3)) p ORDER BY day`;
      const all = (await pool.query<PostureTuple>({ ...prepared(sql, [id, from, to]), rowMode: 'array' })).rows;
      const before = all[0] && all[0][0] < from ? all[0] : undefined;
      return densePosture(before ? all.slice(1) : all, before, from, to);
    },

    async postureJson(service, { from, to }) {
      // The service, the row before the range and the range's points as JSON text (store/posture.ts):
      // one text value to parse instead of eight per day.
      const point = posturePointSql('postgres', 'p');
      const sql = `SELECT (SELECT ${point} FROM posture_daily p WHERE p.service_id = s.id AND p.day < $2 ORDER BY p.day DESC LIMIT 1) AS before, r.n, r.first, r.last, r.points
        FROM services s CROSS JOIN LATERAL
          (SELECT count(*)::int AS n, min(p.day) AS first, max(p.day) AS last, string_agg(${point}, ',' ORDER BY p.day) AS points FROM posture_daily p WHERE p.service_id = s.id AND p.day >= $2 AND p.day <= $3) r
        WHERE s.name = $1`;
      const row = (await rows<PostureJsonRow>(sql, [service, from, to]))[0];
      return row && densePostureJson(row, from, to);
    },

    async listFindings(filter, now = new Date(), shown = false) {
      // One statement (one round trip, one connection): the page as JSON text and its total (finding-page.ts).
      const page = findingPageSql(POSTGRES_PAGE, SORT_SQL, filter, sla, now, shown ? 'shown' : 'rows');
      return findingPage((await rows<{ items: string; total: number }>(numbered(page.sql), page.params))[0], now, sla, shown);
    },

    async listFindingKeys(filter, now = new Date()) {
      const page = findingPageSql(POSTGRES_PAGE, SORT_SQL, filter, sla, now, 'keys');
      return findingKeys((await rows<{ items: string; total: number }>(numbered(page.sql), page.params))[0]);
    },

    async getFinding(service, fingerprint, now = new Date()) {
      const r = (await rows<FindingDbRow>(`SELECT f.*, s.name AS service, ${FINDING_TRIAGE_COLUMNS} FROM findings f JOIN services s ON s.id = f.service_id LEFT JOIN triage t ON t.service_id = f.service_id AND t.fingerprint = f.fingerprint WHERE s.name = $1 AND f.fingerprint = $2`, [service, fingerprint]))[0];
      if (!r) return undefined;
      const events = await rows<{ kind: LifecycleEvent['kind']; at: string; scan_id: string; open_seconds: string | null }>(
        'SELECT e.kind, e.at, sc.scan_id, e.open_seconds FROM finding_events e JOIN scans sc ON sc.id = e.scan_pk WHERE e.finding_id = $1 ORDER BY e.at, e.id',
        [r.id],
      );
      const scans = await rows<{ scan_id: string; kind: 'snapshot' | 'pr'; created_at: string; commit_sha: string | null }>(
        `SELECT sc.scan_id, sc.kind, sc.created_at, sc.commit_sha FROM finding_scans fs JOIN scans sc ON sc.id = fs.scan_pk
         WHERE fs.finding_id = $1 ORDER BY sc.created_at DESC LIMIT 100`,
        [r.id],
      );
      return toFindingDetail(r, events.map((e) => ({ ...e, open_seconds: e.open_seconds === null ? null : Number(e.open_seconds) })), scans, now, sla);
    },

    async listScans(service, limit) {
      if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`listScans: limit must be a whole number of scans, not ${limit}`);
      // The service's id inside the statement (one round trip on a miss, not two).
      const list = await rows<ScanDbRow>(scansSql('(SELECT id FROM services WHERE name = $1)', limit), [service]);
      return list.map((r) => toScanSummary(service, r));
    },

    async listPullRequests(since) {
      return latestPerPullRequest(await rows<PullRequestScanDbRow>(numbered(PULL_REQUEST_SCANS_SQL), [since]));
    },

    async getPullRequestScan(service, scanId, now = new Date()) {
      const r = (await rows<PullRequestScanDbRow & { scan_pk: string; service_id: string }>(numbered(PULL_REQUEST_SCAN_SQL), [service, scanId]))[0];
      if (!r) return undefined;
      const found = await rows<PullRequestFindingDbRow>(numbered(PULL_REQUEST_FINDINGS_SQL), [r.scan_pk, r.service_id]);
      return { scan: latestPerPullRequest([r])[0], findings: toPullRequestFindings(found, now) };
    },

    async weekSummary(since, limit) {
      return assembleWeek(
        since,
        await rows<WeekCountDbRow>(numbered(WEEK_COUNTS_SQL), [since]),
        await rows<WeekEventDbRow>(numbered(WEEK_EVENTS_SQL), [since, limit]),
        await rows<OldestOpenDbRow>(OLDEST_OPEN_SQL),
      );
    },

    async serviceChanges(since, service) {
      const one = service !== undefined;
      const sinceDay = dayOfTime(since);
      const extra = one ? [service] : [];
      if (one) {
        // One service (the overview reads every one): its four reads as one statement (one round trip, one pooled
        // connection), each part a JSON array of the rows it returned on its own.
        const [parts] = await rows<{ baseline: ChangePostureDbRow[]; first: ChangePostureDbRow[]; latest: ChangePostureDbRow[]; events: ChangeEventDbRow[] }>(
          numbered(
            `SELECT ${jsonRows(changePostureSql('baseline', true))} AS baseline, ${jsonRows(changePostureSql('first', true))} AS first, ` +
              `${jsonRows(changePostureSql('latest', true))} AS latest, ${jsonRows(changeEventsSql(true))} AS events`,
          ),
          [since, service, service, service, since, service],
        );
        return assembleChanges(sinceDay, parts.baseline, parts.first, parts.latest, parts.events);
      }
      const [baseline, first, latest, events] = await Promise.all([
        rows<ChangePostureDbRow>(numbered(changePostureSql('baseline', one)), [since, ...extra]),
        rows<ChangePostureDbRow>(numbered(changePostureSql('first', one)), extra),
        rows<ChangePostureDbRow>(numbered(changePostureSql('latest', one)), extra),
        rows<ChangeEventDbRow>(numbered(changeEventsSql(one)), [since, ...extra]),
      ]);
      return assembleChanges(sinceDay, baseline, first, latest, events);
    },

    async serviceChangeWithTurn(since, service) {
      // serviceChanges' one statement with serviceChangeTurn's baseline and later snapshots beside it;
      // the first event is the events' earliest (one walk of the service's events, one round trip).
      const change = changeWithTurnParts(since, service);
      const [parts] = await rows<ChangeWithTurnParts>(numbered(`SELECT ${change.sql}`), change.params);
      return changeWithTurn(since, parts);
    },

    async serviceChangeTurn(since, service) {
      // Its three reads as one statement (one round trip and one pooled connection instead of three),
      // each part the JSON of its rows. A service page reads the same parts in its head (serviceHead).
      const [parts] = await rows<{ baseline: ChangeTurnRow[]; later: ChangeTurnRow[]; first_event: string | null }>(
        numbered(`SELECT ${jsonRows(CHANGE_TURN_SQL.baseline)} AS baseline, ${jsonRows(CHANGE_TURN_SQL.later, ' ORDER BY r.snapshot_at')} AS later, (${CHANGE_TURN_SQL.firstEvent}) AS first_event`),
        [since, service, dayOfTime(since), since, service, since, service],
      );
      return { baseline: parts.baseline[0], later: parts.later, firstEventAt: parts.first_event };
    },

    async remediationTrend(now, days) {
      const w = remediationWindow(now, days);
      const [fixes, periods, first] = await Promise.all([
        rows<RemediationFixDbRow>(numbered(REMEDIATION_FIXES_SQL), [w.fromAt, w.endAt]),
        rows<RemediationPeriodDbRow>(numbered(REMEDIATION_PERIODS_SQL), [w.fromAt]),
        rows<{ day: string | null }>(FIRST_SNAPSHOT_DAY_SQL),
      ]);
      return assembleRemediation(w.from, w.to, now, sla, fixes, periods, first[0]?.day ?? null);
    },

    async findVulnerability(query, now = new Date()) {
      const key = vulnIdQueryKey(query);
      if (!key) return undefined;
      const keys = (await rows<{ vuln_id: string }>(
        'SELECT DISTINCT b.vuln_id FROM finding_ids a JOIN finding_ids b ON b.finding_id = a.finding_id WHERE a.vuln_id = $1',
        [key],
      )).map((r) => r.vuln_id);
      if (!keys.includes(key)) keys.push(key);
      const list = await rows<FindingDbRow>(
        `SELECT f.*, s.name AS service, ${FINDING_TRIAGE_COLUMNS} FROM findings f JOIN services s ON s.id = f.service_id
         LEFT JOIN triage t ON t.service_id = f.service_id AND t.fingerprint = f.fingerprint
         WHERE f.state = 'open' AND f.id IN (SELECT finding_id FROM finding_ids WHERE vuln_id = ANY($1::text[]))
         ORDER BY s.name, ${SEVERITY_SQL_RANK} DESC, f.opened_at, f.id`,
        [keys],
      );
      return assembleVulnerability(query, key, list, now, sla);
    },
  };
}
