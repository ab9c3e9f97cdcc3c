// Answers cut out of a wider answer already computed for the same service version, instead of a
// database read: a posture window inside a window computed ahead (the 365-day chart holds every day
// of any window of it), a filtered findings query inside the service's first findings page when that
// page holds all its open findings. The same bytes as the database path gives (the tests compare
// them over random windows, filters, offsets and limits on both backends); anything the cut cannot
// give exactly (another sort, a filter on a value the rows do not carry as stored, an incomplete
// page) is left to the database. Pure: text in, text out.
import { addDays } from '../store/days.js';
import type { FindingRow } from '../store/types.js';

const POINTS_START = ',"points":[';
const DAY_START = '{"day":"';

/**
 * The points of [from, to] as JSON text (an array), cut from the posture answer of a window that ends
 * on `wideTo` and starts on or before `from` (to <= wideTo). Such an answer's points are every day
 * from its first snapshot (or the window's start, with a snapshot before it) to `wideTo`, each one
 * day after the other, so a narrower window's points are the run of them between its two days: the
 * same text as the database's (a day carried from a snapshot before the narrower window has the same
 * counts as the day carried or stored in the wider one). Undefined if the text is not such an answer.
 */
export function posturePointsWithin(wideAnswer: string, wideTo: string, from: string, to: string): string | undefined {
  // A JSON string value escapes every quote, so the first `,"points":[` is the key.
  const start = wideAnswer.indexOf(POINTS_START);
  if (start < 0 || !wideAnswer.endsWith(']}') || to > wideTo || from > to) return undefined;
  const points = wideAnswer.slice(start + POINTS_START.length, -2);
  if (points === '') return '[]';
  if (!points.startsWith(DAY_START)) return undefined;
  const first = points.slice(DAY_START.length, DAY_START.length + 10);
  // No snapshot up to `to`: the database finds no point either.
  if (first > to) return '[]';
  const head = first >= from ? 0 : points.indexOf(`${DAY_START}${from}"`);
  const tail = to === wideTo ? points.length : points.indexOf(`,${DAY_START}${addDays(to, 1)}"`);
  if (head < 0 || tail < 0 || tail < head) return undefined;
  return `[${points.slice(head, tail)}]`;
}

/** A findings query as the read API parses it (api/query.ts), the parts a cut looks at. */
export interface FindingsCutQuery {
  service?: string;
  severity?: string;
  category?: string;
  tool?: string;
  state: string;
  kev?: boolean;
  epssMin?: number;
  epssPercentileMin?: number;
  slaBreached?: boolean;
  sort: string;
  order?: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** The findings answer's body: { items, total, limit, offset } (api/answers.ts). */
export interface FindingsAnswerBody {
  items: FindingRow[];
  total: number;
  limit: number;
  offset: number;
}

/**
 * Whether `q` is one service's open findings in the default order (severity, most severe first; ties
 * by opened_at and id, the order every page of the service shares), filtered at most by severity,
 * category and tool: columns each row carries as stored, compared for equality as the database does.
 */
export function cutFromFirstPage(q: FindingsCutQuery): boolean {
  return (
    q.service !== undefined &&
    q.state === 'open' &&
    q.sort === 'severity' &&
    (q.order === undefined || q.order === 'desc') &&
    q.kev === undefined &&
    q.epssMin === undefined &&
    q.epssPercentileMin === undefined &&
    q.slaBreached === undefined
  );
}

/**
 * Whether a first page's text (`{"items":[...],"total":N,"limit":L,"offset":0}`, JSON.stringify's
 * key order) holds all the findings it counts (N <= L), read from its end: a service with more open
 * findings than a page is not parsed for nothing on every miss.
 */
export function firstPageHoldsAll(text: string): boolean {
  const end = /,"total":(\d+),"limit":(\d+),"offset":0\}$/.exec(text.slice(-64));
  return end !== null && Number(end[1]) <= Number(end[2]);
}

/**
 * The answer to `q` (cutFromFirstPage) from the service's first page (default query) when that page
 * holds all the service's open findings (its total is its length), as a value to serialize: the
 * matching rows in the page's order, the requested slice of them, their count as the total.
 * Undefined when the page holds only some.
 */
export function findingsWithin(firstPage: FindingsAnswerBody, q: FindingsCutQuery): FindingsAnswerBody | undefined {
  if (firstPage.offset !== 0 || firstPage.total !== firstPage.items.length) return undefined;
  const matching = firstPage.items.filter(
    (row) => (q.severity === undefined || row.severity === q.severity) && (q.category === undefined || row.category === q.category) && (q.tool === undefined || row.tool === q.tool),
  );
  return { items: matching.slice(q.offset, q.offset + q.limit), total: matching.length, limit: q.limit, offset: q.offset };
}
