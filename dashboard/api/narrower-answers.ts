// Answers cut out of what is already kept for the same service version, instead of a database
// read: a posture window inside a window computed ahead (the 365-day chart holds every day of any
// window of it), and any page of a service's open findings by severity, filtered by severity,
// category or tool, from all of that service's open findings kept ahead as rows (up to
// KEPT_OPEN_FINDINGS_MAX). The same bytes as the database path gives (the tests compare them over
// random windows, filters, orders, offsets, limits and instants on both backends); anything the cut
// cannot give exactly (another sort, a filter on a value the rows do not carry as stored, a service
// with more open findings) is left to the database.
//
// A posture series is kept gzipped in blocks of POSTURE_BLOCK_DAYS days compressed apart
// (gzip-join.ts): a cut reuses the blocks it shows whole, inflates only a block it shows part
// of, and compresses only its own edges. Open findings are kept as the text of each row's fields that
// do not move with the clock, in runs of one severity compressed apart, beside what a cut decides
// from (each row's severity, category and tool, where its text lies in its run) and what its clocked
// fields are computed from (age, SLA, triage in force): a cut is true at any instant, so the ages a
// row shows (tenths of a day) do not make it expire every few minutes, as an answer with ages does.
// Inflating and parsing a whole kept answer (then serializing and gzipping the cut) cost a miss more
// than the database path did on PostgreSQL.
import { deflatePieceSync, inflateSmallPiece, joinGzip, storedPiece, type DeflatedPiece } from '../gzip-join.js';
import { ownedBytes } from '../owned-bytes.js';
import { addDays, daysBetween } from '../store/days.js';
import { clockedFindingFields } from '../store/rows.js';
import type { FindingRow, SlaDays } from '../store/types.js';
import type { Severity } from '../../src/findings/finding.js';

/** The gzip of a kept answer, one member of pieces, and where the pieces a cut may reuse lie in it. */
class KeptPieces {
  /**
   * `table`: five numbers per reusable piece: its start and end in `gzip`, the CRC-32 and byte
   * length of its text, and crc32Shift of that length (gzip-join.ts DeflatedPiece).
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

/**
 * Whether `q` is one service's open findings by severity (most severe first, or least: ties by
 * opened_at and id either way, so the least severe first is the same runs of one severity in the
 * other order), filtered at most by severity, category and tool: columns each row carries as
 * stored, compared for equality as the database does.
 */
export function cutFromOpenFindings(q: FindingsCutQuery): boolean {
  return (
    q.service !== undefined &&
    q.state === 'open' &&
    q.sort === 'severity' &&
    q.kev === undefined &&
    q.epssMin === undefined &&
    q.epssPercentileMin === undefined &&
    q.slaBreached === undefined
  );
}

/** The most open findings of a service kept as rows (the read API's largest page: one read). */
export const KEPT_OPEN_FINDINGS_MAX = 500;

/**
 * All of a service's open findings, by severity, kept for cuts at any instant of their data
 * version. Each row is kept as the text of its fields that do not move with the clock, in runs of
 * one severity compressed apart; a cut joins each row it shows to its clocked fields (age, SLA,
 * triage in force: store/rows.ts clockedFindingFields) at the cut's instant, from what is kept beside
 * the texts: `openedMs`, `suppressed`, and `extras` for the few rows with a KEV due date or a triage
 * decision. `values` holds each distinct severity, category and tool; `rows` three indexes into it
 * per row; `spans` where each row's text starts and ends in its run's text; `runOf` each row's run.
 */
export interface OpenFindingsSource {
  readonly kind: 'open-findings';
  /**
   * The instant its rows were read at: a cut at an earlier one goes to the database (a triage
   * decision that lapsed in between was read as none).
   */
  readonly readAt: number;
  readonly runs: KeptPieces;
  readonly values: readonly string[];
  readonly rows: Uint16Array;
  readonly spans: Uint32Array;
  readonly runOf: Uint16Array;
  readonly openedMs: Float64Array;
  readonly suppressed: Uint8Array;
  readonly extras: ReadonlyMap<number, { kevDue: string | null; triage: FindingRow['triage'] }>;
}

/** What is kept for a service with more open findings than KEPT_OPEN_FINDINGS_MAX: nothing is cut for it. */
export interface TooManyOpenFindings {
  readonly kind: 'too-many-open-findings';
}
export const TOO_MANY_OPEN_FINDINGS: TooManyOpenFindings = { kind: 'too-many-open-findings' };

/**
 * The source of the page of a service's open findings by severity (most severe first) read at
 * `readAt`, when it holds them all (total = its length; else undefined). `level`: zlib's level of
 * the runs.
 */
export function openFindingsSource(page: { items: FindingRow[]; total: number }, readAt: number, level: number): OpenFindingsSource | undefined {
  const { items } = page;
  if (page.total !== items.length || items.length > 0xffff) return undefined;
  const values: string[] = [];
  const index = new Map<string, number>();
  const code = (v: string) => index.get(v) ?? (index.set(v, values.push(v) - 1), values.length - 1);
  const rows = new Uint16Array(items.length * 3);
  const spans = new Uint32Array(items.length * 2);
  const runOf = new Uint16Array(items.length);
  const openedMs = new Float64Array(items.length);
  const suppressed = new Uint8Array(items.length);
  const extras = new Map<number, { kevDue: string | null; triage: FindingRow['triage'] }>();
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
    // The row's text without its clocked fields (the last ones of a row: store/rows.ts) nor its `}`.
    const { ageDays: _age, slaBreached: _breached, slaDueAt: _due, triage, ...fixed } = row;
    const text = JSON.stringify(fixed).slice(0, -1);
    if (run.length > 0) at += 1;
    spans.set([at, at + text.length], 2 * i);
    at += text.length;
    run.push(text);
    runOf[i] = runs.length;
    openedMs[i] = Date.parse(row.openedAt);
    suppressed[i] = row.suppressed ? 1 : 0;
    if (row.kev?.dueDate || triage) extras.set(i, { kevDue: row.kev?.dueDate ?? null, triage });
  });
  if (values.length > 0xffff) return undefined;
  if (run.length > 0) runs.push(deflatePieceSync(run.join(','), level));
  return { kind: 'open-findings', readAt, runs: KeptPieces.join(runs, () => true), values, rows, spans, runOf, openedMs, suppressed, extras };
}

/** What the cache counts for a source: its pieces, and what is kept beside them. */
export function sourceBytes(source: PostureSource | OpenFindingsSource | TooManyOpenFindings): number {
  if (source.kind === 'too-many-open-findings') return 16;
  if (source.kind === 'posture') return source.pieces.bytes + 64;
  const arrays = source.rows.byteLength + source.spans.byteLength + source.runOf.byteLength + source.openedMs.byteLength + source.suppressed.byteLength;
  return source.runs.bytes + arrays + 200 * source.extras.size + source.values.reduce((n, v) => n + 2 * v.length + 32, 300);
}

const pageEnd = (p: { total: number; limit: number; offset: number }) => `],"total":${p.total},"limit":${p.limit},"offset":${p.offset}}`;

/**
 * The JSON text of the answer to `q` (cutFromOpenFindings) at `now` (a ClockReading: the rows'
 * clocked fields note when they turn) from a service's open findings kept: the matching rows in the
 * query's order, the requested slice of them, their count as the total; the same text as
 * JSON.stringify({ items, total, limit, offset }) of the database's page at `now` (gzipped as that
 * one is: a page of 500 rows on the thread pool). Undefined before the instant the rows were read.
 */
export function openFindingsCut(source: OpenFindingsSource, q: FindingsCutQuery, now: Date, sla: SlaDays): string | undefined {
  if (now.getTime() < source.readAt) return undefined;
  const { values, rows, spans, runOf, runs } = source;
  const filters = [q.severity, q.category, q.tool];
  const wanted = filters.map((v) => (v === undefined ? -1 : values.indexOf(v)));
  const matching: number[] = [];
  const matches = (i: number) => (wanted[0] < 0 || rows[3 * i] === wanted[0]) && (wanted[1] < 0 || rows[3 * i + 1] === wanted[1]) && (wanted[2] < 0 || rows[3 * i + 2] === wanted[2]);
  // A filter on a value no row has: nothing matches.
  if (!filters.some((v, f) => v !== undefined && wanted[f] < 0)) {
    if (q.order === 'asc') {
      // The least severe run first, each run in its own order (opened_at, id).
      for (let end = runOf.length; end > 0; ) {
        let start = end - 1;
        while (start > 0 && runOf[start - 1] === runOf[end - 1]) start--;
        for (let i = start; i < end; i++) if (matches(i)) matching.push(i);
        end = start;
      }
    } else {
      for (let i = 0; i < runOf.length; i++) if (matches(i)) matching.push(i);
    }
  }
  const shown = matching.slice(q.offset, q.offset + q.limit);
  const texts = new Map<number, string>();
  const runText = (r: number) => texts.get(r) ?? (texts.set(r, inflateSmallPiece(runs.piece(r))), texts.get(r)!);
  const items = shown.map((i) => {
    const extra = source.extras.get(i);
    const clocked = clockedFindingFields(
      {
        state: 'open',
        openedMs: source.openedMs[i],
        endMs: undefined,
        severity: values[rows[3 * i]] as Severity,
        suppressed: source.suppressed[i] === 1,
        kevDue: extra?.kevDue ?? null,
        triage: extra?.triage ?? null,
      },
      now,
      sla,
    );
    return `${runText(runOf[i]).slice(spans[2 * i], spans[2 * i + 1])},${JSON.stringify(clocked).slice(1)}`;
  });
  return `{"items":[${items.join(',')}${pageEnd({ total: matching.length, limit: q.limit, offset: q.offset })}`;
}
