// "This week, at a glance" (the overview's first panel): lifecycle events (opened, fixed, reopened)
// since a time, across every service, and the oldest open findings that count (not suppressed, not
// triaged). Both backends run the same SQL (`?` placeholders; PostgreSQL renumbers them) and shape
// the rows with `assembleWeek`.
import { SEVERITIES, type Severity } from '../../src/findings/finding.js';
import { SEVERITY_RANK } from '../../src/findings/severity.js';

/** Worst first among findings of the same instant (one ingest opens them all at once). */
const WORST_FIRST = `CASE f.severity ${SEVERITIES.map((s) => `WHEN '${s}' THEN ${SEVERITY_RANK[s] * 10 + (s === 'unknown' ? 0 : 1)}`).join(' ')} END DESC`;

export type WeekEventKind = 'opened' | 'fixed' | 'reopened';

export interface WeekEvent {
  kind: WeekEventKind;
  at: string;
  service: string;
  fingerprint: string;
  title: string;
  severity: Severity;
}

export interface OldestOpenFinding {
  service: string;
  fingerprint: string;
  title: string;
  severity: Severity;
  openedAt: string;
}

export interface WeekSummary {
  /** Events at or after this time count. */
  since: string;
  /** Every event since `since`, per kind (not capped by the list's limit). */
  counts: Record<WeekEventKind, number>;
  /** The newest events first, at most `limit`. */
  events: WeekEvent[];
  /** Open, not suppressed, not triaged findings, oldest period first (at most 5). */
  oldestOpen: OldestOpenFinding[];
}

export const OLDEST_OPEN_LIMIT = 5;

export const WEEK_COUNTS_SQL = 'SELECT e.kind, count(*) AS n FROM finding_events e WHERE e.at >= ? GROUP BY e.kind';

export const WEEK_EVENTS_SQL = `SELECT e.kind, e.at, s.name AS service, f.fingerprint, f.title, f.severity
  FROM finding_events e JOIN findings f ON f.id = e.finding_id JOIN services s ON s.id = f.service_id
  WHERE e.at >= ? ORDER BY e.at DESC, ${WORST_FIRST}, e.id DESC LIMIT ?`;

export const OLDEST_OPEN_SQL = `SELECT s.name AS service, f.fingerprint, f.title, f.severity, f.opened_at
  FROM findings_triaged t JOIN findings f ON f.id = t.id JOIN services s ON s.id = f.service_id
  WHERE t.state = 'open' AND t.suppressed = 0 ORDER BY f.opened_at ASC, ${WORST_FIRST}, f.id ASC LIMIT ?`;

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
