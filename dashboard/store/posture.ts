// The posture series as finished JSON text, built by the database (both backends): the API sends
// it as it is. A year of points as row values cost more than the rest of a request (better-sqlite3
// makes a JS value per column, pg a string per field; then an object per day and JSON.stringify):
// the database writes each stored row's point in C, and this file only fills the days without a
// snapshot, from the point before them.
import { addDays, daysBetween, daysFrom } from './days.js';

/**
 * One stored row's point, the same bytes as JSON.stringify of a PosturePoint with `snapshot: true`
 * (the keys in its order; counts are integers; `day` is a stored `YYYY-MM-DD`, nothing to escape).
 * SQLite: printf. PostgreSQL: concat (its format() cost a fifth more of the statement's CPU).
 */
export function posturePointSql(dialect: 'sqlite' | 'postgres', p: string): string {
  const counts = ['critical', 'high', 'medium', 'low', 'info', 'unknown', 'total'];
  if (dialect === 'sqlite') {
    return `printf('{"day":"%s",${counts.map((c) => `"${c}":%d`).join(',')},"snapshot":true}', ${p}.day, ${counts.map((c) => `${p}.${c}`).join(', ')})`;
  }
  return `concat('{"day":"', ${p}.day, ${counts.map((c, i) => `'${i ? '' : '"'},"${c}":', ${p}.${c}`).join(', ')}, ',"snapshot":true}')`;
}

/** What the one posture statement of a backend returns; no row: no such service. */
export interface PostureJsonRow {
  /** The point of the last row before the range (null: none). */
  before: string | null;
  /** How many rows the range has (one per day at most). */
  n: number | string;
  /** The range's first and last row's day (null: no row). */
  first: string | null;
  last: string | null;
  /** The range's points in day order, joined by ',' (null: none). */
  points: string | null;
}

const DAY_START = '{"day":"'.length;
const COUNTS_START = '{"day":"YYYY-MM-DD"'.length;
const SNAPSHOT_TRUE = ',"snapshot":true}';

/** A point's counts (`,"critical":1,...,"total":n`), to carry forward. */
const countsOf = (point: string) => point.slice(COUNTS_START, -SNAPSHOT_TRUE.length);

/** A day without a snapshot: the counts carried from the point before it. */
const carriedPoint = (day: string, counts: string) => `{"day":"${day}"${counts},"snapshot":false}`;

/** `count` days from `from` carrying `counts` (snapshot: false), pushed onto `out`. */
function carry(out: string[], counts: string, from: string, count: number): void {
  for (const day of daysFrom(from, count)) out.push(carriedPoint(day, counts));
}

/**
 * The JSON array of every day of [from, to] from the first snapshot on (densePosture's answer, as
 * text): the stored rows' points as they are, each day without one carrying the last point before
 * it with `snapshot: false`. Only gaps between the range's first and last row need a walk over
 * its points: days before the first row (a service new in the range) and after the last (today's
 * snapshot not in yet) are carried around the points' text as it is.
 */
export function densePostureJson(row: PostureJsonRow, from: string, to: string): string {
  if (from > to) return '[]';
  const out: string[] = [];
  if (row.first === null || row.last === null || row.points === null) {
    if (row.before !== null) carry(out, countsOf(row.before), from, daysBetween(from, to) + 1);
    return `[${out.join(',')}]`;
  }
  const { first, last, points } = row;
  if (row.before !== null && first > from) carry(out, countsOf(row.before), from, daysBetween(from, first));
  const span = daysBetween(first, last) + 1;
  if (Number(row.n) === span) {
    out.push(points);
  } else {
    // Points hold no '{' but their own first character: a ',' before one is a separator.
    const list = points.split(/,(?=\{)/);
    let counts = '';
    let next = 0;
    for (const day of daysFrom(first, span)) {
      const point = list[next];
      if (point.slice(DAY_START, COUNTS_START - 1) === day) {
        out.push(point);
        counts = countsOf(point);
        next++;
      } else {
        out.push(carriedPoint(day, counts));
      }
    }
  }
  if (last < to) carry(out, countsOf(points.slice(points.lastIndexOf('{'))), addDays(last, 1), daysBetween(last, to));
  return `[${out.join(',')}]`;
}
