// The per-service summary of open findings (table service_summary, one row per service and severity):
// what the overview needs of every service without a GROUP BY over every finding. Ingest and triage
// recompute the touched service's rows from its findings inside their own transaction (one statement),
// so the summary is as current as the findings. Both backends run this SQL (`?` placeholders).
//
// The SLA-breach count moves with the clock, so it is not stored; it is derived exactly:
//   breaches = sum over severities with an SLA of (open_count - the not yet breached: opened at or after
//              the severity's cutoff)  +  KEV-listed findings past their KEV due date and not already
//              past their severity's cutoff.
// The not-yet-breached findings are the ones opened within their SLA window: what this reads grows with
// the findings opened in the last SLA period (an index range each), not with history.
import { SEVERITIES, type Severity } from '../../src/findings/finding.js';
import { noteChange } from '../clock-reading.js';
import { emptyCounts } from './counts.js';
import { kevDeadline } from './exploit.js';
import type { SeverityCounts, SlaDays } from './shapes.js';

const DAY_MS = 86_400_000;

/** Every severity as a row source (a service gets all six rows, zeros included, so an upsert clears what went away). */
const SEVERITY_ROWS = SEVERITIES.map((s) => `SELECT '${s}' AS severity`).join(' UNION ALL ');

/**
 * Recomputes one service's rows (parameters: the service id, twice). `findings_triaged` counts a
 * triage decision in force like a suppression, as the open counts and the SLA always did.
 */
export const SUMMARY_REFRESH_SQL = `INSERT INTO service_summary (service_id, severity, open_count, suppressed_count, oldest_open)
  SELECT CAST(? AS BIGINT), sv.severity, COALESCE(a.open_count, 0), COALESCE(a.suppressed_count, 0), a.oldest_open
  FROM (${SEVERITY_ROWS}) sv
  LEFT JOIN (
    SELECT severity, sum(1 - suppressed) AS open_count, sum(suppressed) AS suppressed_count,
      min(CASE WHEN suppressed = 0 THEN opened_at END) AS oldest_open
    FROM findings_triaged WHERE service_id = ? AND state = 'open' GROUP BY severity
  ) a ON a.severity = sv.severity
  WHERE true
  ON CONFLICT (service_id, severity) DO UPDATE SET open_count = excluded.open_count,
    suppressed_count = excluded.suppressed_count, oldest_open = excluded.oldest_open`;

/**
 * Fills the summary of every service from its findings (the benches' seeds). The migration that made
 * the table (SQLite 8, PostgreSQL 7) ran this text, kept there as its own copy: a shipped migration
 * never changes (summary.test.ts checks the two still agree).
 */
export const SUMMARY_FILL_SQL = `INSERT INTO service_summary (service_id, severity, open_count, suppressed_count, oldest_open)
  SELECT service_id, severity, sum(1 - suppressed), sum(suppressed), min(CASE WHEN suppressed = 0 THEN opened_at END)
  FROM findings_triaged WHERE state = 'open' GROUP BY service_id, severity`;

export const SUMMARY_ALL_SQL = 'SELECT service_id, severity, open_count, suppressed_count FROM service_summary WHERE open_count > 0 OR suppressed_count > 0';
export const SUMMARY_OF_SERVICE_SQL = 'SELECT severity, open_count, suppressed_count, oldest_open FROM service_summary WHERE service_id = ? AND (open_count > 0 OR suppressed_count > 0)';

export interface SummaryDbRow {
  service_id: number | string;
  severity: Severity;
  open_count: number | string;
  suppressed_count: number | string;
}

/** The severities with an SLA and their cutoffs at `now` (opened before the cutoff: breached). */
function cutoffs(sla: SlaDays, now: Date): { severity: Severity; cutoff: string }[] {
  const out: { severity: Severity; cutoff: string }[] = [];
  for (const severity of SEVERITIES) {
    const days = sla[severity];
    if (days !== undefined) out.push({ severity, cutoff: new Date(now.getTime() - days * DAY_MS).toISOString() });
  }
  return out;
}

/**
 * The per-service corrections to the summary's open counts at `now` (both `(service_id, n)` rows):
 * `notYet`: open, not suppressed, not triaged findings of a severity with an SLA, opened at or after
 * the cutoff (one index range per severity on findings_open_age, minus the triaged ones found from
 * the small triage table: CROSS JOIN keeps it the outer loop on SQLite, whose planner otherwise
 * walked every open finding to probe an empty triage table); `kevOnly`: breached by their KEV due date only. The same rule as
 * `breachCondition` in exploit.ts, term by term.
 */
export function breachCorrections(sla: SlaDays, now: Date): { notYet: { sql: string; params: string[] }; kevOnly: { sql: string; params: string[] } } {
  const cuts = cutoffs(sla, now);
  const today = now.toISOString().slice(0, 10);
  const recent = cuts.map(() => '(f.severity = ? AND f.opened_at >= ?)').join(' OR ');
  const recentParams = cuts.flatMap((c) => [c.severity, c.cutoff]);
  const perSeverity = cuts.map(
    () => "SELECT f.service_id, count(*) AS n FROM findings f WHERE f.state = 'open' AND f.severity = ? AND f.opened_at >= ? AND f.suppressed = 0 GROUP BY f.service_id",
  );
  const notYet =
    cuts.length === 0
      ? { sql: 'SELECT service_id, 0 AS n FROM service_summary WHERE 1 = 0', params: [] }
      : {
          sql: `SELECT service_id, sum(n) AS n FROM (
              ${perSeverity.join(' UNION ALL ')}
              UNION ALL
              SELECT f.service_id, -count(*) AS n FROM triage t CROSS JOIN findings f
              WHERE f.service_id = t.service_id AND f.fingerprint = t.fingerprint AND f.state = 'open' AND f.suppressed = 0 AND (${recent})
              GROUP BY f.service_id
            ) x GROUP BY service_id`,
          params: [...recentParams, ...recentParams],
        };
  const severityBreach = cuts.map(() => '(f.severity = ? AND f.opened_at < ?)').join(' OR ');
  const kevOnly = {
    sql: `SELECT f.service_id, count(*) AS n FROM findings f
      WHERE f.state = 'open' AND f.kev = 1 AND f.kev_due < ? AND f.suppressed = 0
        AND NOT EXISTS (SELECT 1 FROM triage tr WHERE tr.service_id = f.service_id AND tr.fingerprint = f.fingerprint)
        ${cuts.length ? `AND NOT (${severityBreach})` : ''}
      GROUP BY f.service_id`,
    params: [today, ...cuts.flatMap((c) => [c.severity, c.cutoff])],
  };
  return { notYet, kevOnly };
}

/**
 * One service's SLA breaches per severity without reading its old open findings: `?` (or the given
 * SQL expression) is the service id. Rows `(severity, fresh, kev)` over its open, unsuppressed,
 * untriaged findings that may not be breached by their age alone: those of a severity with an SLA
 * opened at or after its cutoff (an index range of findings_by_service_state each), and every one of
 * a severity without an SLA. `kev`: past their KEV due date; `fresh`: the others. With the summary's
 * open count (open, unsuppressed, untriaged), `serviceBreaches` gives the breaches: the rule of
 * `breachCondition` (exploit.ts) term by term. At 10 million findings this reads a service's recent
 * findings (tens) instead of all its open ones (the heap of 200 at 5,000 services x 3 years).
 * `clockValue`: how a value of the clock (a cutoff, today) is written, `?` or an expression around it.
 */
export function serviceBreachSql(sla: SlaDays, now: Date, serviceRef = '?', clockValue = '?'): { sql: string; params: string[] } {
  const cuts = cutoffs(sla, now);
  const withoutSla = SEVERITIES.filter((sev) => sla[sev] === undefined);
  const candidates = [
    ...cuts.map(() => `(f.severity = ? AND f.opened_at >= ${clockValue})`),
    // Severity names are constants of the code, not input.
    ...(withoutSla.length ? [`f.severity IN (${withoutSla.map((sev) => `'${sev}'`).join(', ')})`] : []),
  ];
  // The service last: its `?` (SQLite) follows the others' parameters.
  return {
    sql: `SELECT severity, sum(1 - k) AS fresh, sum(k) AS kev,
        min(CASE WHEN k = 0 THEN opened_at END) AS next_opened, min(CASE WHEN k = 0 AND kev = 1 THEN kev_due END) AS next_kev_due FROM (
        SELECT f.severity, f.opened_at, f.kev, f.kev_due, CASE WHEN f.kev = 1 AND f.kev_due < ${clockValue} THEN 1 ELSE 0 END AS k FROM findings f
        WHERE f.state = 'open' AND f.suppressed = 0 AND (${candidates.join(' OR ')})
          AND NOT EXISTS (SELECT 1 FROM triage tr WHERE tr.service_id = f.service_id AND tr.fingerprint = f.fingerprint)
          AND f.service_id = ${serviceRef}
      ) c GROUP BY severity`,
    params: [now.toISOString().slice(0, 10), ...cuts.flatMap((c) => [c.severity, c.cutoff])],
  };
}

/** A row of serviceBreachSql: `next_opened` / `next_kev_due`: the earliest opening and KEV due day of the fresh ones. */
export interface ServiceBreachRow {
  severity: Severity;
  fresh: number | string;
  kev: number | string;
  next_opened?: string | null;
  next_kev_due?: string | null;
}

/**
 * One service's breaches per severity: with an SLA, every open (unsuppressed, untriaged) finding but
 * the fresh ones (inside their SLA window and not past a KEV due date); without, those past their KEV due date.
 * With `now`, notes when the count next grows: the first fresh finding to pass its SLA (strictly
 * after opened + days) or its KEV due day (slaStatus' rule).
 */
export function serviceBreaches(sla: SlaDays, openCounts: Readonly<SeverityCounts>, rows: readonly ServiceBreachRow[], now?: Date): Map<Severity, number> {
  const byRow = new Map(rows.map((r) => [r.severity, r]));
  const out = new Map<Severity, number>();
  for (const severity of SEVERITIES) {
    const r = byRow.get(severity);
    if (now && r) {
      const days = sla[severity];
      if (days !== undefined && r.next_opened) noteChange(now, Date.parse(r.next_opened) + days * DAY_MS + 1);
      const kevAt = r.next_kev_due ? kevDeadline(r.next_kev_due) : undefined;
      if (kevAt !== undefined) noteChange(now, kevAt);
    }
    const n = sla[severity] !== undefined ? openCounts[severity] - Number(r?.fresh ?? 0) : Number(r?.kev ?? 0);
    if (n > 0) out.set(severity, n);
  }
  return out;
}

interface OverviewCounts {
  open: Map<number, SeverityCounts>;
  suppressed: Map<number, number>;
  breaches: Map<number, number>;
}

/** Open counts, suppressed counts and SLA breaches per service from the summary and the two corrections. */
export function overviewCounts(
  sla: SlaDays,
  summary: readonly SummaryDbRow[],
  notYet: readonly { service_id: number | string; n: number | string }[],
  kevOnly: readonly { service_id: number | string; n: number | string }[],
): OverviewCounts {
  const open = new Map<number, SeverityCounts>();
  const suppressed = new Map<number, number>();
  const breaches = new Map<number, number>();
  const add = (m: Map<number, number>, id: number, n: number) => m.set(id, (m.get(id) ?? 0) + n);
  for (const r of summary) {
    const id = Number(r.service_id);
    const n = Number(r.open_count);
    const s = Number(r.suppressed_count);
    if (s > 0) add(suppressed, id, s);
    if (n === 0) continue;
    let c = open.get(id);
    if (!c) open.set(id, (c = emptyCounts()));
    c[r.severity] = n;
    if (sla[r.severity] !== undefined) add(breaches, id, n);
  }
  for (const r of notYet) add(breaches, Number(r.service_id), -Number(r.n));
  for (const r of kevOnly) add(breaches, Number(r.service_id), Number(r.n));
  return { open, suppressed, breaches };
}
