// The posture series as finished JSON text, built by the database (both backends): the API sends
// it as it is. A year of points as row values cost more than the rest of a request (better-sqlite3
// makes a JS value per column, pg a string per field; then an object per day and JSON.stringify):
// the database writes each stored row's point in C, and this file only fills the days without a
// snapshot, from the point before them.
import { daysBetween, daysFrom } from './days.js';

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
  /** The range's points in day order, joined by ',' (null: none). */
  points: string | null;
}

const DAY_START = '{"day":"'.length;
const COUNTS_START = '{"day":"YYYY-MM-DD"'.length;
const SNAPSHOT_TRUE = ',"snapshot":true}';

/**
 * The JSON array of every day of [from, to] from the first snapshot on (densePosture's answer, as
 * text): the stored rows' points as they are, each day without one carrying the last point before
 * it with `snapshot: false`. A range with a row every day needs no walk at all.
 */
export function densePostureJson(row: PostureJsonRow, from: string, to: string): string {
  if (from > to) return '[]';
  const days = daysBetween(from, to) + 1;
  if (Number(row.n) === days) return `[${row.points}]`;
  // Points hold no '{' but their own first character: a ',' before one is a separator.
  const points = row.points === null ? [] : row.points.split(/,(?=\{)/);
  let carry = row.before === null ? undefined : row.before.slice(COUNTS_START, -SNAPSHOT_TRUE.length);
  let next = 0;
  const out: string[] = [];
  for (const day of daysFrom(from, days)) {
    const point = points[next];
    if (point !== undefined && point.slice(DAY_START, COUNTS_START - 1) === day) {
      out.push(point);
      carry = point.slice(COUNTS_START, -SNAPSHOT_TRUE.length);
      next++;
    } else if (carry !== undefined) {
      out.push(`{"day":"${day}"${carry},"snapshot":false}`);
    }
  }
  return `[${out.join(',')}]`;
}
