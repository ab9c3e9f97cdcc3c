// "This week, at a glance" (the overview's first panel): lifecycle events (opened, fixed, reopened)
// since a time, across every service, and the oldest open findings that count (not suppressed, not
// triaged). Both backends run the same SQL (`?` placeholders; PostgreSQL renumbers them) and shape
// the rows with `assembleWeek`.
import type { z } from 'zod';
import { SEVERITIES, type Severity } from '../../src/findings/finding.js';
import { SEVERITY_RANK } from '../../src/findings/severity.js';
import type {
  LifecycleEventKindSchema,
  OldestOpenFindingSchema,
  RemediationTrendSchema,
  ServiceChangeSchema,
  WeekEventSchema,
  WeekResponseSchema,
} from '../../src/report/read-api.js';
import { addDays, dayOf, daysBetween } from './days.js';
import { kevDeadline } from './exploit.js';
import type { SlaDays } from './shapes.js';

const DAY_MS = 86_400_000;

/** Worst first among findings of the same instant (one ingest opens them all at once). */
const WORST_FIRST = `CASE f.severity ${SEVERITIES.map((s) => `WHEN '${s}' THEN ${SEVERITY_RANK[s] * 10 + (s === 'unknown' ? 0 : 1)}`).join(' ')} END DESC`;

// The answer's parts are the read API's contract (src/report/read-api.ts): GET /api/v1/week sends them as they are.
export type WeekEventKind = z.infer<typeof LifecycleEventKindSchema>;
export type WeekEvent = z.infer<typeof WeekEventSchema>;
export type OldestOpenFinding = z.infer<typeof OldestOpenFindingSchema>;
export type WeekResponse = z.infer<typeof WeekResponseSchema>;
/**
 * weekSummary's answer, the part of GET /api/v1/week it reads: `counts` every event since `since`
 * per kind (not capped by the list's limit), `events` the newest first (at most `limit`),
 * `oldestOpen` the open findings that count, oldest period first (at most 5).
 */
export type WeekSummary = Pick<WeekResponse, 'since' | 'counts' | 'events' | 'oldestOpen'>;

export const OLDEST_OPEN_LIMIT = 5;

export const WEEK_COUNTS_SQL = 'SELECT e.kind, count(*) AS n FROM finding_events e WHERE e.at >= ? GROUP BY e.kind';

export const WEEK_EVENTS_SQL = `SELECT e.kind, e.at, s.name AS service, f.fingerprint, f.title, f.severity
  FROM finding_events e JOIN findings f ON f.id = e.finding_id JOIN services s ON s.id = f.service_id
  WHERE e.at >= ? ORDER BY e.at DESC, ${WORST_FIRST}, e.id DESC LIMIT ?`;

/**
 * The oldest open findings that count, worst first among equals: the LIMIT first of each severity
 * (an index range of findings_open_age, state and severity then opened_at), then the LIMIT first of
 * those. The same rows as ordering every open finding (at 10 million findings that sort read the
 * whole table: 9 s of PostgreSQL): the overall first LIMIT are among their severity's first LIMIT.
 * Every stored severity is one of SEVERITIES (ingest parses findings with the schema). A retired
 * service's findings are left out, as from the overview's totals (retire.ts).
 */
export const OLDEST_OPEN_SQL = `SELECT s.name AS service, f.fingerprint, f.title, f.severity, f.opened_at
  FROM (${SEVERITIES.map(
    (sev) =>
      `SELECT * FROM (SELECT f.id FROM findings f WHERE f.state = 'open' AND f.severity = '${sev}' AND f.suppressed = 0
        AND NOT EXISTS (SELECT 1 FROM triage t WHERE t.service_id = f.service_id AND t.fingerprint = f.fingerprint)
        AND NOT EXISTS (SELECT 1 FROM services r WHERE r.id = f.service_id AND r.retired_at IS NOT NULL)
        ORDER BY f.opened_at ASC, f.id ASC LIMIT ${OLDEST_OPEN_LIMIT}) o_${sev}`,
  ).join(' UNION ALL ')}) o
  JOIN findings f ON f.id = o.id JOIN services s ON s.id = f.service_id
  ORDER BY f.opened_at ASC, ${WORST_FIRST}, f.id ASC LIMIT ${OLDEST_OPEN_LIMIT}`;

export interface WeekCountDbRow {
  kind: WeekEventKind;
  n: number | string;
}
export type WeekEventDbRow = WeekEvent;
export interface OldestOpenDbRow {
  service: string;
  fingerprint: string;
  title: string;
  severity: Severity;
  opened_at: string;
}

export function assembleWeek(since: string, counts: readonly WeekCountDbRow[], events: readonly WeekEventDbRow[], oldest: readonly OldestOpenDbRow[]): WeekSummary {
  const c: Record<WeekEventKind, number> = { opened: 0, fixed: 0, reopened: 0 };
  for (const r of counts) c[r.kind] = Number(r.n);
  return {
    since,
    counts: c,
    events: events.map((e) => ({ kind: e.kind, at: e.at, service: e.service, fingerprint: e.fingerprint, title: e.title, severity: e.severity })),
    oldestOpen: oldest.map((r) => ({ service: r.service, fingerprint: r.fingerprint, title: r.title, severity: r.severity, openedAt: r.opened_at })),
  };
}

// ---------------------------------------------------------------------------------------------
// Each service's change over the window, and the portfolio's remediation trend (MTTR per week, SLA
// breaches per day). Same SQL on both backends; the shaping is pure (assembleChanges,
// assembleRemediation) so the two cannot disagree.

export type ServiceChange = z.infer<typeof ServiceChangeSchema>;
export type RemediationTrend = z.infer<typeof RemediationTrendSchema>;

/** Days of the remediation trend: 13 whole weeks, ending today. */
export const REMEDIATION_DAYS = 91;

const POSTURE_COLUMNS = 's.name AS service, p.day, p.critical, p.high, p.medium, p.low, p.info, p.unknown';

/**
 * One posture row per service: `baseline` the state just before a time (`?`: the latest day whose
 * snapshot was taken before it; events at that time are in the window), `first` the earliest,
 * `latest` the newest. `oneService` restricts to the service named by the last `?`.
 */
export function changePostureSql(which: 'baseline' | 'first' | 'latest', oneService: boolean): string {
  // The day of each service by one probe of posture_daily's primary key (service_id, day): min/max
  // of one service is its first/last index entry (baseline: walking back from the last day to the
  // first snapshot before the time). Grouping every posture row instead read all of them: 3-4 s of
  // PostgreSQL per part at 5,000 services x 3 years, and a service's 1,095 rows for one service.
  const day = `(SELECT ${which === 'first' ? 'min' : 'max'}(x.day) FROM posture_daily x WHERE x.service_id = s.id${which === 'baseline' ? ' AND x.snapshot_at < ?' : ''})`;
  // CROSS JOIN: services first on SQLite (which otherwise walked every posture row, probing per row).
  return `SELECT ${POSTURE_COLUMNS} FROM services s CROSS JOIN posture_daily p WHERE p.service_id = s.id AND p.day = ${day}${oneService ? ' AND s.name = ?' : ''}`;
}

/** Lifecycle events per service and kind at or after a time (`?`), optionally of one service. */
export function changeEventsSql(oneService: boolean): string {
  // first_at: the earliest event of the kind, so one service's change also gives changeTurn its first event (serviceChangeWithTurn).
  return `SELECT s.name AS service, e.kind, count(*) AS n, min(e.at) AS first_at FROM finding_events e JOIN findings f ON f.id = e.finding_id JOIN services s ON s.id = f.service_id
  WHERE e.at >= ?${oneService ? ' AND s.name = ?' : ''} GROUP BY s.name, e.kind`;
}

export interface ChangePostureDbRow {
  service: string;
  day: string;
  critical: number | string;
  high: number | string;
  medium: number | string;
  low: number | string;
  info: number | string;
  unknown: number | string;
}
export interface ChangeEventDbRow {
  service: string;
  kind: WeekEventKind;
  n: number | string;
  /** The earliest event of the kind (ISO time text). */
  first_at: string;
}

/** The earliest event among changeEventsSql's rows (ISO times compare as text): CHANGE_TURN_SQL.firstEvent's answer for the same service and start. */
export function firstEventOf(events: readonly ChangeEventDbRow[]): string | null {
  let first: string | null = null;
  for (const e of events) if (first === null || e.first_at < first) first = e.first_at;
  return first;
}

/**
 * Each service's change: latest snapshot minus the baseline (the state when the window began, else
 * the service's first snapshot), and its events in the window. Services
 * without any snapshot are left out. Sorted by name.
 */
export function assembleChanges(
  sinceDay: string,
  baseline: readonly ChangePostureDbRow[],
  first: readonly ChangePostureDbRow[],
  latest: readonly ChangePostureDbRow[],
  events: readonly ChangeEventDbRow[],
): ServiceChange[] {
  const base = new Map(baseline.map((r) => [r.service, r]));
  const firsts = new Map(first.map((r) => [r.service, r]));
  const ev = new Map<string, { opened: number; fixed: number }>();
  for (const r of events) {
    let e = ev.get(r.service);
    if (!e) ev.set(r.service, (e = { opened: 0, fixed: 0 }));
    if (r.kind === 'fixed') e.fixed += Number(r.n);
    else e.opened += Number(r.n);
  }
  const out: ServiceChange[] = [];
  for (const now of latest) {
    const b = base.get(now.service) ?? firsts.get(now.service);
    if (!b) continue;
    const open = {} as ServiceChange['open'];
    let total = 0;
    for (const s of SEVERITIES) {
      open[s] = Number(now[s]) - Number(b[s]);
      total += open[s];
    }
    out.push({
      service: now.service,
      since: base.has(now.service) ? sinceDay : b.day,
      baseline: base.has(now.service) ? 'window' : 'firstSnapshot',
      open,
      total,
      opened: ev.get(now.service)?.opened ?? 0,
      fixed: ev.get(now.service)?.fixed ?? 0,
    });
  }
  return out.sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : 0));
}

/**
 * What moves one service's change (serviceChanges) as its window's start `?` moves on: the baseline
 * row now (the latest snapshot before it), the snapshots at or after it, and the earliest event at
 * or after it. Parameters: since and the service's name (`later`: since's day first).
 */
export const CHANGE_TURN_SQL = {
  // The service's id as one value (a sub-select), so its days are one range of posture_daily's primary
  // key walked back from the last: planned without the values (PostgreSQL's generic plan, a page's
  // head), a join with services walked posture_by_day back over every service's days instead (11 ms
  // at 5,000 services x 3 years).
  baseline: `SELECT p.day, p.snapshot_at, p.critical, p.high, p.medium, p.low, p.info, p.unknown FROM posture_daily p
    WHERE p.snapshot_at < ? AND p.service_id = (SELECT id FROM services WHERE name = ?) ORDER BY p.day DESC LIMIT 1`,
  // Parameters: the start's day (a row's day is its snapshot's: an index range, not the service's every day), the start, the name.
  later: `SELECT p.day, p.snapshot_at, p.critical, p.high, p.medium, p.low, p.info, p.unknown FROM services s CROSS JOIN posture_daily p
    WHERE p.service_id = s.id AND p.day >= ? AND p.snapshot_at >= ? AND s.name = ? ORDER BY p.snapshot_at`,
  firstEvent: `SELECT min(e.at) AS at FROM finding_events e JOIN findings f ON f.id = e.finding_id JOIN services s ON s.id = f.service_id
    WHERE e.at >= ? AND s.name = ?`,
};

export type ChangeTurnRow = Omit<ChangePostureDbRow, 'service'> & { snapshot_at: string };

/** The rows of CHANGE_TURN_SQL for one service and window start. */
export interface ChangeTurnInputs {
  baseline: ChangeTurnRow | undefined;
  later: readonly ChangeTurnRow[];
  firstEventAt: string | null;
}

/**
 * The first instant at which a service's change over the last `windowMs` shows otherwise by the
 * clock alone (Infinity: never), for a window ending at `now`: its earliest event leaving the
 * window (events at or after the start count), or a later snapshot becoming the baseline (those
 * strictly before the start) with other counts than the baseline of now, or as the first baseline
 * (the line then says "in the last N days" instead of "since its first snapshot").
 */
export function changeTurn(input: ChangeTurnInputs, windowMs: number): number {
  let at = input.firstEventAt ? Date.parse(input.firstEventAt) + windowMs + 1 : Infinity;
  let base = input.baseline;
  for (const r of input.later) {
    const turn = Date.parse(r.snapshot_at) + windowMs + 1;
    if (turn >= at) break;
    // The baseline is the latest day among the snapshots before the start.
    if (base && r.day <= base.day) continue;
    if (!base || SEVERITIES.some((sv) => Number(r[sv]) !== Number(base![sv]))) {
      at = turn;
      break;
    }
    base = r;
  }
  return at;
}

/** Fixes in [from, to] (ISO times): when, and how long the finding was open. */
export const REMEDIATION_FIXES_SQL = "SELECT e.at, e.open_seconds FROM finding_events e WHERE e.kind = 'fixed' AND e.at >= ? AND e.at < ?";
/** REMEDIATION_FIXES_SQL among the events with ids in (?, ?]: a slice of the read (SQLite: remediationTrend). */
export const REMEDIATION_FIXES_SLICE_SQL = `${REMEDIATION_FIXES_SQL} AND e.id > ? AND e.id <= ?`;

/**
 * The lifecycle events of every finding that counts now (not suppressed, not triaged) and was open
 * at some time since `?` (open now, or fixed since), in order: their open periods.
 */
export const REMEDIATION_PERIODS_SQL = remediationPeriodsSql(false);
/**
 * REMEDIATION_PERIODS_SQL of the findings with ids in (?, ?] (after the time): a slice of the read
 * (SQLite: remediationTrend), each finding's events all in one (an index range of finding_events_by_finding).
 */
export const REMEDIATION_PERIODS_SLICE_SQL = remediationPeriodsSql(true);

function remediationPeriodsSql(slice: boolean): string {
  return `SELECT e.finding_id, e.kind, e.at, f.state, f.opened_at, f.severity, f.kev, f.kev_due
  FROM findings_triaged t JOIN findings f ON f.id = t.id JOIN finding_events e ON e.finding_id = f.id
  WHERE t.suppressed = 0 AND (f.state = 'open' OR f.fixed_at >= ?)${slice ? ' AND e.finding_id > ? AND e.finding_id <= ?' : ''}
  ORDER BY e.finding_id, e.at, e.id`;
}

/** The first snapshot day of any service (posture rows are written by snapshots only). */
export const FIRST_SNAPSHOT_DAY_SQL = 'SELECT min(day) AS day FROM posture_daily';

export interface RemediationFixDbRow {
  at: string;
  open_seconds: number | string | null;
}
export interface RemediationPeriodDbRow {
  finding_id: number | string;
  kind: WeekEventKind;
  at: string;
  state: 'open' | 'fixed';
  opened_at: string;
  severity: Severity;
  kev: number | string | boolean | null;
  kev_due: string | null;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** The first day of the remediation trend ending on `now`'s day, and the instant it starts. */
export function remediationWindow(now: Date, days = REMEDIATION_DAYS): { from: string; to: string; fromAt: string; endAt: string } {
  const to = dayOf(now.toISOString());
  const from = addDays(to, -(days - 1));
  return { from, to, fromAt: `${from}T00:00:00.000Z`, endAt: `${addDays(to, 1)}T00:00:00.000Z` };
}

/**
 * Per day of [from, to], the open findings past their SLA at the end of the day (today: at `now`;
 * null before `firstSnapshotDay`),
 * by `slaStatus`'s rule (after opened + the severity's SLA days, or from the end of a KEV due day);
 * per day the fixes; per seven-day period ending on `to` the mean and median days open of its fixes.
 */
export function assembleRemediation(
  from: string,
  to: string,
  now: Date,
  sla: SlaDays,
  fixes: readonly RemediationFixDbRow[],
  periodRows: readonly RemediationPeriodDbRow[],
  firstSnapshotDay: string | null,
): RemediationTrend {
  const trend = remediationInParts(from, to, now, sla);
  trend.addPeriods(periodRows);
  trend.addFixes(fixes);
  return trend.finish(firstSnapshotDay);
}

/** assembleRemediation's work taken in parts (a read in slices, each a turn of the event loop: SQLite). */
export interface RemediationParts {
  /** REMEDIATION_PERIODS_SQL's rows of some findings, each finding's rows all in one call, in order. */
  addPeriods(rows: readonly RemediationPeriodDbRow[]): void;
  /** Some of REMEDIATION_FIXES_SQL's rows (any split). */
  addFixes(rows: readonly RemediationFixDbRow[]): void;
  finish(firstSnapshotDay: string | null): RemediationTrend;
}

/** assembleRemediation fed in parts: the same answer as all rows at once, whatever the split (findings whole). */
export function remediationInParts(from: string, to: string, now: Date, sla: SlaDays): RemediationParts {
  const n = daysBetween(from, to) + 1;
  const days = Array.from({ length: n }, (_, i) => addDays(from, i));
  // The instant each day is measured at: its end, or now for today.
  const at = days.map((d) => Math.min(now.getTime(), Date.parse(`${addDays(d, 1)}T00:00:00Z`)));
  const fixed = new Array<number>(n).fill(0);

  // The first day index whose instant satisfies `ok` (monotone over the ascending instants), or n.
  const firstIndex = (ok: (t: number) => boolean) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ok(at[mid])) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  // Breached at instant t: open (start <= t < end) and past the severity deadline (t > it) or the
  // KEV one (t >= it). Over ascending instants that is one run of days: counted with a difference array.
  const diff = new Array<number>(n + 1).fill(0);
  const addPeriod = (start: number, end: number | null, severity: Severity, kevDue: string | null) => {
    const slaDays = sla[severity];
    const bySeverity = slaDays === undefined || Number.isNaN(start) ? undefined : start + slaDays * DAY_MS;
    const byKev = kevDue ? kevDeadline(kevDue) : undefined;
    if (bySeverity === undefined && byKev === undefined) return;
    const due = Math.min(bySeverity === undefined ? n : firstIndex((t) => t > bySeverity), byKev === undefined ? n : firstIndex((t) => t >= byKev));
    const from = Math.max(firstIndex((t) => t >= start), due);
    const to = end === null ? n : firstIndex((t) => t >= end);
    if (from < to) {
      diff[from]++;
      diff[to]--;
    }
  };
  const fromMs = Date.parse(`${from}T00:00:00Z`);
  const openDaysByDay: number[][] = days.map(() => []);

  return {
    addPeriods(periodRows) {
      // Rows come ordered by finding, then time: rebuild each finding's open periods.
      for (let i = 0; i < periodRows.length; ) {
        const id = String(periodRows[i].finding_id);
        const head = periodRows[i];
        const kevDue = head.kev !== null && Number(head.kev) === 1 ? head.kev_due : null;
        let start: number | null = null;
        for (; i < periodRows.length && String(periodRows[i].finding_id) === id; i++) {
          const r = periodRows[i];
          if (r.kind === 'fixed') {
            if (start !== null) addPeriod(start, Date.parse(r.at), head.severity, kevDue);
            start = null;
          } else start = Date.parse(r.at);
        }
        // The open period now starts at opened_at, as the live SLA counts it.
        if (head.state === 'open') addPeriod(Date.parse(head.opened_at), null, head.severity, kevDue);
      }
    },
    addFixes(fixes) {
      for (const f of fixes) {
        const i = Math.floor((Date.parse(f.at) - fromMs) / DAY_MS);
        if (i < 0 || i >= n) continue;
        fixed[i]++;
        if (f.open_seconds !== null) openDaysByDay[i].push(Number(f.open_seconds) / 86_400);
      }
    },
    finish(firstSnapshotDay) {
      const breaches = new Array<number>(n).fill(0);
      for (let i = 0, run = 0; i < n; i++) breaches[i] = run += diff[i];
      const weeks: RemediationTrend['weeks'] = [];
      for (let end = n - 1; end >= 0; end -= 7) {
        const begin = Math.max(0, end - 6);
        const values = openDaysByDay.slice(begin, end + 1).flat().sort((a, b) => a - b);
        const count = fixed.slice(begin, end + 1).reduce((a, b) => a + b, 0);
        const mid = values.length >> 1;
        weeks.unshift({
          from: days[begin],
          to: days[end],
          fixed: count,
          meanDays: values.length === 0 ? null : round1(values.reduce((a, b) => a + b, 0) / values.length),
          medianDays: values.length === 0 ? null : round1(values.length % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2),
        });
      }
      // Days before the first snapshot of any service measured nothing: null, not zero.
      const measured = (day: string) => firstSnapshotDay !== null && day >= firstSnapshotDay;
      return { from, to, firstSnapshotDay, days: days.map((day, i) => ({ day, breaches: measured(day) ? breaches[i] : null, fixed: fixed[i] })), weeks };
    },
  };
}
