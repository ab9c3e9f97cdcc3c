// Small, pure formatting for the pages: dates, ages and safe links. Kept apart from the components
// so tests can check them directly and every page says "3 days ago" the same way.

import { noteChange } from '../clock-reading.js';

const DAY_MS = 86_400_000;

/**
 * Texts of instants given as text, already formatted: a service page formats the same few again
 * and again (its rows' first-seen scans, its scans' times; ~110 a page, a Date parsed and written
 * each time). The same text always formats the same; bounded.
 */
const FORMATTED_KEPT = 4096;
const dayTexts = new Map<string, string>();
const dateTimeTexts = new Map<string, string>();
function formattedOnce(kept: Map<string, string>, value: string, format: (d: Date | undefined) => string): string {
  let text = kept.get(value);
  if (text === undefined) {
    if (kept.size >= FORMATTED_KEPT) kept.clear();
    kept.set(value, (text = format(toDate(value))));
  }
  return text;
}

const dayText = (d: Date | undefined) => (d ? d.toISOString().slice(0, 10) : '—');
const dateTimeText = (d: Date | undefined) => (d ? `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '—');

/** "2026-11-24" (UTC) from an ISO timestamp or Date; "—" when absent or unparseable. */
export function formatDay(value: string | Date | undefined | null): string {
  return typeof value === 'string' ? formattedOnce(dayTexts, value, dayText) : dayText(toDate(value));
}

/** "2026-11-24 09:15 UTC". */
export function formatDateTime(value: string | Date | undefined | null): string {
  return typeof value === 'string' ? formattedOnce(dateTimeTexts, value, dateTimeText) : dateTimeText(toDate(value));
}

/** "just now", "5 min ago", "3 h ago", "12 days ago". Notes when the text moves on (clock-reading.ts). */
export function formatAge(value: string | Date | undefined | null, now: Date): string {
  const d = toDate(value);
  if (!d) return 'never';
  const ms = Math.max(0, now.getTime() - d.getTime());
  // The text is the count of whole units of its bracket: it changes at the next whole unit.
  const unit = ms < 3_600_000 ? 60_000 : ms < DAY_MS ? 3_600_000 : DAY_MS;
  noteChange(now, d.getTime() + (Math.floor(ms / unit) + 1) * unit);
  if (ms < 60_000) return 'just now';
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ago`;
  if (ms < DAY_MS) return `${Math.floor(ms / 3_600_000)} h ago`;
  const days = Math.floor(ms / DAY_MS);
  return days === 1 ? '1 day ago' : `${days} days ago`;
}

/**
 * Only http(s) URLs become links. Tool-provided reference URLs could carry `javascript:` or
 * `data:`; those are shown as text instead.
 */
export function safeHttpUrl(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Builds "?a=1&b=2" from the given params, leaving out empty values. */
export function queryString(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

function toDate(value: string | Date | undefined | null): Date | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** "1 scan", "2 scans": the noun in the singular for exactly one (`many` when the plural is not noun + "s"). */
export function countOf(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The noun alone, agreeing with `n` (for labels printed under a big figure). */
export function nounFor(n: number, one: string, many = `${one}s`): string {
  return n === 1 ? one : many;
}
