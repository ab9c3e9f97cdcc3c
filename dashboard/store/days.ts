// UTC calendar days as `YYYY-MM-DD` strings: the unit of the posture series.
const DAY_MS = 86_400_000;

/** The UTC day of an ISO timestamp. */
export function dayOf(isoTimestamp: string): string {
  return new Date(isoTimestamp).toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export function isDay(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && addDays(text, 0) === text;
}

/**
 * `count` consecutive days from `from` (a valid day), counted on the calendar: the same strings as
 * addDays(from, i), without a Date and toISOString per day (most of a year-long posture series' cost).
 */
export function daysFrom(from: string, count: number): string[] {
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  let d = Number(from.slice(8, 10));
  const out = new Array<string>(Math.max(count, 0));
  for (let i = 0; i < count; i++) {
    out[i] = `${y < 1000 ? String(y).padStart(4, '0') : y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
    if (++d > daysInMonth(y, m)) {
      d = 1;
      if (++m > 12) {
        m = 1;
        y++;
      }
    }
  }
  return out;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}
