// Answers cut out of a wider answer already computed for the same service version, instead of a
// database read: a posture window inside a window computed ahead (the 365-day chart holds every day
// of any window of it), a filtered findings query inside the service's first findings page when that
// page holds all its open findings. The same bytes as the database path gives (the tests compare
// them over random windows, filters, offsets and limits on both backends); anything the cut cannot
// give exactly (another sort, a filter on a value the rows do not carry as stored, an incomplete
// page) is left to the database.
//
// A wider answer is kept gzipped in pieces compressed apart (pages/gzip-join.ts): a posture series in
// blocks of POSTURE_BLOCK_DAYS days, a first page in runs of rows of one severity. Beside them is what
// a cut decides from (the series' first day; each row's severity, category and tool, and where its
// text lies in its run): a cut reuses the pieces it shows whole, inflates only a block or run it shows
// part of, and compresses only its own edges. Inflating and parsing the whole kept answer (then
// serializing and gzipping the cut) cost a miss more than the database path did on PostgreSQL.
import { deflatePieceSync, inflateSmallPiece, joinGzip, storedPiece, type DeflatedPiece } from '../pages/gzip-join.js';
import { ownedBytes } from '../owned-bytes.js';
import { addDays, daysBetween } from '../store/days.js';
import type { FindingRow } from '../store/types.js';

/** The gzip of a kept answer, one member of pieces, and where the pieces a cut may reuse lie in it. */
export class KeptPieces {
  /**
   * `table`: five numbers per reusable piece: its start and end in `gzip`, the CRC-32 and byte
   * length of its text, and crc32Shift of that length (pages/gzip-join.ts DeflatedPiece).
   */
  constructor(
    readonly gzip: Buffer,
    private readonly table: Uint32Array,
  ) {}

  /** Joins `pieces` into one gzip; those `reusable` says are kept in the table, in their order. */
  static join(pieces: readonly DeflatedPiece[], reusable: (piece: DeflatedPiece) => boolean): KeptPieces {
    // Kept for hours: bytes of its own, not a view into Node's shared pool (owned-bytes.ts).
    const gzip = ownedBytes(joinGzip([...pieces]));
    const kept = pieces.filter(reusable);
    const table = new Uint32Array(kept.length * 5);
    // joinGzip: the 10-byte header, then each piece's bytes in order.
    let at = 10;
    let k = 0;
    for (const p of pieces) {
      if (reusable(p)) table.set([at, at + p.deflated.length, p.crc, p.length, p.shift], 5 * k++);
      at += p.deflated.length;
    }
    return new KeptPieces(gzip, table);
  }

  /** The reusable piece `i` (a view into the kept gzip: nothing copied). */
  piece(i: number): DeflatedPiece {
    const t = this.table;
    return { deflated: this.gzip.subarray(t[5 * i], t[5 * i + 1]), crc: t[5 * i + 2], length: t[5 * i + 3], shift: t[5 * i + 4] };
  }

  /** What the cache counts for it: the gzip, the table and their objects. */
  get bytes(): number {
    return this.gzip.length + this.table.byteLength + 200;
  }
}

/**
 * A cut's own text is stored as it is up to this many bytes (a few rows, a head): setting up a
 * compressor costs more than the bytes it would save (~20 us against ~1 us). Longer text is deflated
 * at CUT_LEVEL.
 */
const STORE_MAX = 512;
/** zlib's level for a cut's own text (zlib's fastest, as the answers it is cut from). */
const CUT_LEVEL = 1;
const ownPiece = (text: string): DeflatedPiece => (text.length <= STORE_MAX ? storedPiece(text) : deflatePieceSync(text, CUT_LEVEL));
const COMMA = storedPiece(',');

/** Days per compressed block of a kept posture series: a cut compresses at most two blocks' parts of its own. */
export const POSTURE_BLOCK_DAYS = 32;

const DAY_START = '{"day":"';

/**
 * A posture answer others are cut from: `prefix` + `points` + `}`, where `points` (a JSON array)
 * holds one point per day from the first snapshot's day (or the window's start) to `to`, each day
 * after the other, as the database writes a window's points.
 */
export interface PostureSource {
  readonly kind: 'posture';
  readonly pieces: KeptPieces;
  /** The window's last day (its last point's). */
  readonly to: string;
  /** The first point's day; undefined when the window has no point. */
  readonly first: string | undefined;
}

/**
 * The answer `prefix` + `points` + `}` (a posture window ending on `to`) in pieces: `points` in
 * blocks of POSTURE_BLOCK_DAYS days from its first. Undefined when `points` does not end on `to` or
 * lacks a block's first day (then it is kept whole, and nothing is cut from it).
 */
export function posturePieces(prefix: string, points: string, to: string, level: number): PostureSource | undefined {
  if (points === '[]') return { kind: 'posture', pieces: KeptPieces.join([deflatePieceSync(`${prefix}[]}`, level)], () => false), to, first: undefined };
  if (!points.startsWith(`[${DAY_START}`) || !points.endsWith('}]')) return undefined;
  const first = points.slice(1 + DAY_START.length, 1 + DAY_START.length + 10);
  if (first > to || points.lastIndexOf(DAY_START) !== points.indexOf(`${DAY_START}${to}"`)) return undefined;
  const blocks: DeflatedPiece[] = [];
  let start = 1;
  for (let day = addDays(first, POSTURE_BLOCK_DAYS); day <= to; day = addDays(day, POSTURE_BLOCK_DAYS)) {
    const end = points.indexOf(`,${DAY_START}${day}"`, start);
    if (end < 0) return undefined;
    blocks.push(deflatePieceSync(points.slice(start, end), level));
    start = end + 1;
  }
  blocks.push(deflatePieceSync(points.slice(start, -1), level));
  const pieces = [storedPiece(`${prefix}[`), ...blocks.flatMap((b, i) => (i === 0 ? [b] : [COMMA, b])), storedPiece(']}')];
  const isBlock = new Set(blocks);
  return { kind: 'posture', pieces: KeptPieces.join(pieces, (p) => isBlock.has(p)), to, first };
}

/**
 * The gzip of `prefix` + the points of [from, to] + `}`, cut from a kept series that starts on or
 * before `from` (its window's start) and ends on or after `to`: the run of its points between the two
 * days is the same text as the database's (a day carried from a snapshot before the narrower window
 * has the same counts as the day carried or stored in the wider one). Undefined if it cannot be cut.
 */
export function postureCut(source: PostureSource, prefix: string, from: string, to: string): Buffer | undefined {
  if (to > source.to || from > to) return undefined;
  const { first } = source;
  // No snapshot up to `to`: the database finds no point either.
  if (first === undefined || first > to) return joinGzip([storedPiece(`${prefix}[]}`)]);
  const start = from > first ? from : first;
  const pieces: DeflatedPiece[] = [storedPiece(`${prefix}[`)];
  // Blocks of the days from `start` to `to`: the first may start before `start`, the last end after
  // `to` (unless it is the series' last); those in between are shown whole.
  const startOffset = daysBetween(first, start);
  const toOffset = daysBetween(first, to);
  const firstBlock = Math.floor(startOffset / POSTURE_BLOCK_DAYS);
  const lastBlock = Math.floor(toOffset / POSTURE_BLOCK_DAYS);
  const endsInside = to < source.to && toOffset % POSTURE_BLOCK_DAYS < POSTURE_BLOCK_DAYS - 1;
  for (let i = firstBlock; i <= lastBlock; i++) {
    const block = source.pieces.piece(i);
    let piece = block;
    const cutHead = i === firstBlock && startOffset % POSTURE_BLOCK_DAYS > 0;
    const cutTail = i === lastBlock && endsInside;
    if (cutHead || cutTail) {
      const text = inflateSmallPiece(block);
      const head = cutHead ? text.indexOf(`${DAY_START}${start}"`) : 0;
      const tail = cutTail ? text.indexOf(`,${DAY_START}${addDays(to, 1)}"`, head) : text.length;
      if (head < 0 || tail < 0) return undefined;
      piece = ownPiece(text.slice(head, tail));
    }
    if (pieces.length > 1) pieces.push(COMMA);
    pieces.push(piece);
  }
  pieces.push(storedPiece(']}'));
  return joinGzip(pieces);
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
 * A first findings page that holds all the service's open findings (its total is its length), in
 * pieces: one per run of rows of one severity. `values` holds each distinct severity, category and
 * tool; `rows` three indexes into it per row; `spans` where each row's text starts and ends in its
 * run's text; `runOf` each row's run.
 */
export interface FindingsSource {
  readonly kind: 'findings';
  readonly pieces: KeptPieces;
  readonly values: readonly string[];
  readonly rows: Uint16Array;
  readonly spans: Uint32Array;
  readonly runOf: Uint16Array;
}

/**
 * The page's JSON (JSON.stringify(page)'s bytes) in pieces when it holds all its service's open
 * findings; undefined when it holds only some (nothing is cut from it: a miss then costs no look at it).
 */
export function findingsPieces(page: FindingsAnswerBody, level: number): FindingsSource | undefined {
  const { items } = page;
  if (page.offset !== 0 || page.total !== items.length) return undefined;
  const values: string[] = [];
  const index = new Map<string, number>();
  const code = (v: string) => index.get(v) ?? (index.set(v, values.push(v) - 1), values.length - 1);
  const rows = new Uint16Array(items.length * 3);
  const spans = new Uint32Array(items.length * 2);
  const runOf = new Uint16Array(items.length);
  const runs: DeflatedPiece[] = [];
  let run: string[] = [];
  let at = 0;
  items.forEach((row, i) => {
    rows.set([code(row.severity), code(row.category), code(row.tool)], 3 * i);
    if (i > 0 && row.severity !== items[i - 1].severity) {
      runs.push(deflatePieceSync(run.join(','), level));
      run = [];
      at = 0;
    }
    const text = JSON.stringify(row);
    if (run.length > 0) at += 1;
    spans.set([at, at + text.length], 2 * i);
    at += text.length;
    run.push(text);
    runOf[i] = runs.length;
  });
  if (values.length > 0xffff) return undefined;
  if (run.length > 0) runs.push(deflatePieceSync(run.join(','), level));
  const pieces = [storedPiece('{"items":['), ...runs.flatMap((r, i) => (i === 0 ? [r] : [COMMA, r])), storedPiece(pageEnd(page))];
  const isRun = new Set(runs);
  return { kind: 'findings', pieces: KeptPieces.join(pieces, (p) => isRun.has(p)), values, rows, spans, runOf };
}

/** What the cache counts for a source: its pieces, and what is kept beside them. */
export function sourceBytes(source: PostureSource | FindingsSource): number {
  if (source.kind === 'posture') return source.pieces.bytes + 64;
  return source.pieces.bytes + source.rows.byteLength + source.spans.byteLength + source.runOf.byteLength + source.values.reduce((n, v) => n + 2 * v.length + 32, 200);
}

const pageEnd = (p: { total: number; limit: number; offset: number }) => `],"total":${p.total},"limit":${p.limit},"offset":${p.offset}}`;

/**
 * The gzip of the answer to `q` (cutFromFirstPage) from a first page that holds all the service's
 * open findings: the matching rows in the page's order, the requested slice of them, their count as
 * the total; the same bytes as JSON.stringify({ items, total, limit, offset }). Which rows match is
 * read from the codes beside the pieces; runs it shows whole are reused as they are.
 */
export function findingsCut(source: FindingsSource, q: FindingsCutQuery): Buffer {
  const { values, rows, spans, runOf, pieces: kept } = source;
  const filters = [q.severity, q.category, q.tool];
  const wanted = filters.map((v) => (v === undefined ? -1 : values.indexOf(v)));
  const matching: number[] = [];
  // A filter on a value no row has: nothing matches.
  if (!filters.some((v, f) => v !== undefined && wanted[f] < 0)) {
    for (let i = 0; i < runOf.length; i++) {
      if ((wanted[0] < 0 || rows[3 * i] === wanted[0]) && (wanted[1] < 0 || rows[3 * i + 1] === wanted[1]) && (wanted[2] < 0 || rows[3 * i + 2] === wanted[2])) matching.push(i);
    }
  }
  const shown = matching.slice(q.offset, q.offset + q.limit);
  const pieces: DeflatedPiece[] = [storedPiece('{"items":[')];
  for (let k = 0; k < shown.length; ) {
    const r = runOf[shown[k]];
    let end = k;
    while (end < shown.length && runOf[shown[end]] === r) end++;
    const runRows = runOf.lastIndexOf(r) - runOf.indexOf(r) + 1;
    if (pieces.length > 1) pieces.push(COMMA);
    if (end - k === runRows) pieces.push(kept.piece(r));
    else {
      const text = inflateSmallPiece(kept.piece(r));
      pieces.push(ownPiece(shown.slice(k, end).map((i) => text.slice(spans[2 * i], spans[2 * i + 1])).join(',')));
    }
    k = end;
  }
  pieces.push(storedPiece(pageEnd({ total: matching.length, limit: q.limit, offset: q.offset })));
  return joinGzip(pieces);
}
