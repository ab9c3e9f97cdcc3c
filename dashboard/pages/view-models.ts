// Helpers shared by the pages: sort keys the pages offer, and the few derived values (SLA due day,
// a location in words) the Store does not hand over ready-made. Pages are pure functions of Store
// data (dashboard/store/types.ts), so they render in tests without a database.
import type { Location } from '../../src/findings/finding.js';
import type { FindingRow, FindingSortKey } from '../store/types.js';

export const OVERVIEW_SORTS = ['name', 'critical', 'high', 'medium', 'low', 'open', 'lastScan', 'sla', 'gate'] as const;
export type OverviewSort = (typeof OVERVIEW_SORTS)[number];

/** The finding-table columns the page lets you sort by (all sorted in the Store). */
export const FINDING_SORTS = ['severity', 'title', 'tool', 'firstSeen', 'age', 'epss'] as const satisfies readonly FindingSortKey[];
export type FindingSort = (typeof FINDING_SORTS)[number];

/** "src/app.ts:12-14", "lodash@4.17.20 (package-lock.json)", "alpine:3.18 · openssl@3.1.0". */
export function describeLocation(location: Location): string {
  const parts: string[] = [];
  if (location.image) parts.push(location.image);
  if (location.package) parts.push(`${location.package.name}@${location.package.version}`);
  if (location.path && !location.package) {
    const lines =
      location.startLine !== undefined
        ? `:${location.startLine}${location.endLine !== undefined && location.endLine !== location.startLine ? `-${location.endLine}` : ''}`
        : '';
    parts.push(`${location.path}${lines}`);
  } else if (location.path && !location.image) {
    parts.push(`(${location.path})`);
  }
  return parts.join(' · ') || '—';
}

/**
 * The SLA due day of a row as a person reads it: the KEV due date itself when CISA's date is the cap
 * (the row's instant is the end of that day), else the day of `slaDueAt`. Undefined without one.
 */
export function slaDueDay(row: Pick<FindingRow, 'slaDueAt' | 'kev'>): { day: string; kev: boolean } | undefined {
  if (!row.slaDueAt) return undefined;
  const due = row.kev?.dueDate;
  if (due) {
    const end = Date.parse(`${due}T00:00:00Z`) + 86_400_000;
    if (!Number.isNaN(end) && Date.parse(row.slaDueAt) === end) return { day: due, kev: true };
  }
  return { day: row.slaDueAt.slice(0, 10), kev: false };
}
