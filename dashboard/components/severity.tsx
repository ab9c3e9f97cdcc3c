// Severity badges and count chips: the same colour per severity on every page (classes defined in
// dashboard/static/dashboard.css; no inline styles, so the strict CSP holds).
import { raw } from 'hono/html';
import type { FC } from 'hono/jsx';
import { esc } from './html-text.js';
import type { Severity } from '../../src/findings/finding.js';
import { SEVERITY_ORDER } from '../../src/findings/severity.js';

export type SeverityCounts = Record<Severity, number>;

/** Fills in missing severities with 0, so components never see `undefined`. */
export function fullCounts(partial: Partial<Record<Severity, number>> | undefined): SeverityCounts {
  // Field by field, not a spread: callers pass whole store rows (day, total, ...), and a chart
  // calls this once per day.
  const c = partial ?? {};
  return { critical: c.critical ?? 0, high: c.high ?? 0, medium: c.medium ?? 0, low: c.low ?? 0, info: c.info ?? 0, unknown: c.unknown ?? 0 };
}

export function totalCount(counts: Partial<Record<Severity, number>>): number {
  return SEVERITY_ORDER.reduce((sum, s) => sum + (counts[s] ?? 0), 0);
}

/** The badge as markup (tables of hundreds of rows build their rows as strings). */
export function severityBadgeHtml(severity: Severity): string {
  const s = esc(severity);
  return `<span class="badge sev-${s}">${s}</span>`;
}

export const SeverityBadge: FC<{ severity: Severity }> = ({ severity }) => raw(severityBadgeHtml(severity));

/** "3 critical · 5 high · 1 medium" chips for headers. */
export const SeverityChips: FC<{ counts: SeverityCounts; severities?: readonly Severity[] }> = ({ counts, severities }) => raw(severityChipsHtml(counts, severities));

/** SeverityChips as markup. */
export function severityChipsHtml(counts: SeverityCounts, severities: readonly Severity[] = SEVERITY_ORDER): string {
  let out = '<span class="chips">';
  for (const s of severities) out += `<span class="chip ${counts[s] > 0 ? `sev-${esc(s)}` : 'zero'}"><strong>${counts[s]}</strong> ${esc(s)}</span>`;
  return `${out}</span>`;
}
