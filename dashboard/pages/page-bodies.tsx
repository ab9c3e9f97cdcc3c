// The bodies of the overview and service pages: what their reads are and how they render, apart
// from the cache that keeps them (view-routes.tsx), so the benches and the tests render their parts
// directly.
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import { z } from 'zod';
import { CategorySchema, SeveritySchema } from '../../src/findings/finding.js';
import { cachedOverview } from '../cached-reads.js';
import { densifySeries, postureChartUtf8, type ChartDay } from '../components/charts.js';
import type { RouteDeps } from '../deps.js';
import { ClockReading, nextDayTurn, noteChange, noteMinute } from '../clock-reading.js';
import { STALE_AFTER_DAYS, type FindingFilter, type FindingRow, type ReadStore } from '../store/types.js';
import { severitySortRank } from '../store/finding-page.js';
import { changeTurn } from '../store/week.js';
import { ownedBytes } from '../owned-bytes.js';
import { neutralisedUtf8 } from '../components/invisible-text.js';
import type { DeflatedPiece } from '../gzip-join.js';
import { sharedPieceBytes } from '../version-cache.js';
import { OVERVIEW_PAGE_SIZE, OverviewContent } from './overview.js';
import { DEFAULT_WEEK_DAYS, readWeek, WeekDaysSchema } from '../week-read.js';
import { CHART_WINDOWS, DEFAULT_CHART_DAYS } from '../chart-windows.js';
import { FINDING_STATES, findingRowHtml, postureChartLabel, serviceHeadContentHtml, ServiceScansContent, serviceViewHtml, type ServiceViewProps } from './service.js';
import type { PosturePoint, ScanSummary, ServicePageDetail } from '../store/types.js';
import type { ServiceChange } from '../store/week.js';
import { FINDING_SORTS, OVERVIEW_SORTS, type FindingSort } from './view-models.js';

export const FINDINGS_PAGE_SIZE = 200;

export const OverviewQuery = z.object({
  sort: z.enum(OVERVIEW_SORTS).default('critical'),
  dir: z.enum(['asc', 'desc']).default('desc'),
  q: z.preprocess((v) => (typeof v === 'string' ? v.trim() || undefined : v), z.string().max(100).optional()),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  /** The window of "this week, at a glance" and the change column: 7 (default), 14 or 30 days. */
  days: WeekDaysSchema,
});
export type OverviewView = z.infer<typeof OverviewQuery>;

// An empty select ("all") arrives as "" and means no filter.
const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);
export const ServiceQuery = z.object({
  state: z.preprocess(blankToUndefined, z.enum(FINDING_STATES).default('open')),
  severity: z.preprocess(blankToUndefined, SeveritySchema.optional()),
  category: z.preprocess(blankToUndefined, CategorySchema.optional()),
  tool: z.preprocess(blankToUndefined, z.string().max(100).optional()),
  kev: z.preprocess(blankToUndefined, z.enum(['true', 'false']).optional()),
  epssMin: z.preprocess(blankToUndefined, z.coerce.number().min(0).max(1).optional()),
  epssPercentileMin: z.preprocess(blankToUndefined, z.coerce.number().min(0).max(1).optional()),
  sort: z.enum(FINDING_SORTS).default('severity'),
  dir: z.enum(['asc', 'desc']).default('desc'),
  days: z.coerce
    .number()
    .refine((d) => (CHART_WINDOWS as readonly number[]).includes(d), { message: `one of ${CHART_WINDOWS.join(', ')}` })
    .default(DEFAULT_CHART_DAYS),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});
export type ServiceView = z.infer<typeof ServiceQuery>;

/**
 * The overview body. It keeps the minute rule (clock-reading.ts): its rows may come from the
 * overview computed up to a period before (cached-reads.ts), "this week" counts events leaving its
 * window at any instant, and 500 services' last scans make some age move every few minutes anyway.
 */
export async function renderOverviewBody(deps: Pick<RouteDeps, 'cache'> & { store: ReadStore }, view: OverviewView, at: Date, version?: number, pause?: () => Promise<void>) {
  noteMinute(at);
  const rows = await cachedOverview(deps, at, version);
  const week = await readWeek(deps, at, view.days, undefined, version);
  // A render ahead lets waiting requests go first between the reads and the markup (~20 ms at 500
  // services): the reads' last slice (SQLite) and the markup would hold the loop in one piece.
  await pause?.();
  return (
    <OverviewContent
      rows={rows}
      week={week}
      sort={view.sort}
      dir={view.dir}
      filter={view.q}
      page={view.page}
      pageSize={OVERVIEW_PAGE_SIZE}
      now={at}
      staleAfterDays={STALE_AFTER_DAYS}
    />
  );
}


/** The days a service page's chart shows at `at` (YYYY-MM-DD, UTC); noted on `at` as a text that turns with the day. */
export function chartWindow(days: number, at: Date): { from: string; to: string } {
  noteChange(at, nextDayTurn(at.getTime()));
  return chartDaysOf(days, at);
}

const chartDaysOf = (days: number, at: Date) => ({ from: new Date(at.getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10), to: at.toISOString().slice(0, 10) });

/**
 * The posture chart of a service page as UTF-8 markup (postureChartUtf8: cheaper than the text, then
 * encoded). It depends only on the service's data (its version) and the days of its window, not on
 * the clock within a day nor on the findings table's sort, filters or page. `read`: the posture
 * already read with the page's head for the same window (readServiceHead).
 */
export async function postureChartBytes(store: ReadStore, name: string, days: number, at: Date, read?: HeadPosture): Promise<Buffer> {
  const { from, to } = chartWindow(days, at);
  const series = read && read.from === from && read.to === to ? read.series : await viewSeries(store, name, days, at);
  return postureChartUtf8(series, postureChartLabel(name, days));
}

/** What a service body shows besides its view: the service, its recent scans, its change over the last week. */
interface ServiceHeadData {
  service: ServicePageDetail;
  scans: ScanSummary[];
  change: ServiceChange | undefined;
  /** The chart's posture, when asked for with the head (readServiceHead's `chartDays`). */
  posture?: HeadPosture;
}

/** A chart's days read with a page's head: the window they cover, densified for the chart. */
export interface HeadPosture {
  from: string;
  to: string;
  series: ChartDay[];
}

/**
 * The reads of a service body's head and scans (the same for every view of the page at `at`), and
 * with `chartDays` the posture of a chart of that many days (PostgreSQL: in the same statement).
 */
export async function readServiceHead(store: ReadStore, name: string, at: Date, chartDays?: number): Promise<ServiceHeadData> {
  const changeSince = new Date(at.getTime() - DEFAULT_WEEK_DAYS * 86_400_000).toISOString();
  // The window is not noted on the head's clock: the chart's own render notes it on its clock.
  const window = chartDays === undefined ? undefined : chartDaysOf(chartDays, at);
  // One read (store.serviceHead): the service, its scans and its change with the change's turn.
  const head = await store.serviceHead(name, at, changeSince, 20, window);
  if (!head) throw new Error(`service ${name} vanished while its page was rendered`);
  // A render kept until its text changes also learns when the change line moves (clock-reading.ts).
  if (at instanceof ClockReading) noteChange(at, changeTurn(head.turn, DEFAULT_WEEK_DAYS * 86_400_000));
  const posture = window && head.posture ? { ...window, series: chartSeries(head.posture, window) } : undefined;
  return { service: head.service, scans: head.scans, change: head.changes[0], posture };
}

/** The tools a service's filter offers from its recent scans (a view adds those of its rows and its filter). */
export function scanTools(scans: ScanSummary[]): string[] {
  return [...new Set(scans.flatMap((s) => s.scanners.filter((r) => r.status === 'ok' || r.status === 'imported' || r.status === 'error').map((r) => r.tool)))];
}

/** The head of a service body as markup (serviceHeadContentHtml). */
export async function serviceHeadHtml(head: ServiceHeadData, at: Date): Promise<string> {
  return serviceHeadContentHtml({ service: head.service, now: at, change: head.change, changeDays: DEFAULT_WEEK_DAYS });
}

/** The recent scans of a service body as markup (ServiceScansContent). */
export async function serviceScansHtml(head: ServiceHeadData, at: Date): Promise<string> {
  return String(await (<ServiceScansContent scans={head.scans} now={at} />));
}

/** A finding row as a view shows it: its markup (findingRowHtml) as UTF-8, and its tool (the filter offers it). */
interface ShownRow {
  html: Buffer;
  tool: string;
}

/**
 * Every open finding of a service as its page shows them, rendered at one clock (view-routes.tsx
 * keeps them with the page's head): another view of open findings then picks its rows in one narrow
 * statement (listFindingKeys) instead of reading and rendering them again, or in none once a render
 * ahead added the sorts' orders (withOrders).
 *
 * Kept compact: the rows' markup as one deflate stream (about 50 bytes a row of ~770, the rows of a
 * page being alike), with each row's end, fingerprint and tool; a view inflates it (tens of
 * microseconds) and takes its rows as slices in its own order. So every service with up to a page of
 * open findings keeps its rows in a few KB, not half of its share of the cache. A view a request
 * waits for keeps them as markup when they fit so (deflating costs it ~0.4 ms); the next render
 * ahead deflates them, and the rows in each sort's order too while they fit (withOrders), so a view
 * of them all in any sort deflates none of its rows.
 */
/** How a render deflates markup it keeps (view-routes.tsx: invisible characters neutralised, at its level). */
type DeflateRows = (markup: Buffer) => DeflatedPiece | Promise<DeflatedPiece>;

/** The sorts of text columns, whose order the store gives (collation differs between backends). */
const TEXT_SORTS = ['title', 'tool'] as const;
type TextSort = (typeof TEXT_SORTS)[number];
/**
 * The sorts of numbers and instants, whose order Node decides from the rows' values (no collation)
 * and the store's order of ties (withOrders).
 */
const NUMBER_SORTS = ['severity', 'epss', 'firstSeen', 'age'] as const;
type NumberSort = (typeof NUMBER_SORTS)[number];

/** The rows (indices) in one sort's order, both ways. */
interface SortOrder {
  asc: Uint16Array;
  desc: Uint16Array;
}
/**
 * A sort's order with the rows' markup in each way deflated (a text sort's always; a number sort's
 * while they fit: withOrders). Equal orders share one piece: the rows of a service often tie on a
 * sort's key (no EPSS score, one tool, first seen in one scan), so several sorts show them in the
 * store's order of ties.
 */
interface PiecedOrder extends SortOrder {
  ascPiece?: DeflatedPiece;
  descPiece?: DeflatedPiece;
}
type TextOrder = Required<PiecedOrder>;

/** What an open row is sorted by, as a page row shows it. */
type SortedRow = Pick<FindingRow, 'fingerprint' | 'title' | 'severity' | 'epss' | 'firstSeenAt' | 'openedAt' | 'fixedAt' | 'state'>;

/** An instant as the store writes it (toISOString): such texts order as their instants, and are equal when those are. */
const STORED_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/**
 * Each row's key of each number sort as the store's ORDER BY compares it (finding-page.ts
 * findingSortSql), where Node can tell it exactly; a sort left out is left to the store.
 * - severity: its rank (severitySortRank, the same CASE);
 * - epss: COALESCE(epss, -1), the column being the stored finding's probability (ingest writes both);
 * - firstSeen: the text, which orders and ties as its instant when every one is written as the store
 *   writes them (then no collation can tell otherwise: same length, punctuation at the same places);
 * - age: now - opened, the same `now` for every row: the reverse of the opened instant, exact on both
 *   backends (SQLite's julianday counts whole milliseconds, the difference of two such doubles near
 *   each other is exact; PostgreSQL's interval counts microseconds), for open rows (no fixed_at).
 */
function numberKeys(items: readonly SortedRow[]): Partial<Record<NumberSort, Float64Array>> {
  const keys: Partial<Record<NumberSort, Float64Array>> = {
    severity: Float64Array.from(items, (f) => severitySortRank(f.severity)),
    epss: Float64Array.from(items, (f) => f.epss?.probability ?? -1),
  };
  if (items.every((f) => STORED_INSTANT.test(f.firstSeenAt))) keys.firstSeen = Float64Array.from(items, (f) => Date.parse(f.firstSeenAt));
  if (items.every((f) => f.state === 'open' && f.fixedAt === null && STORED_INSTANT.test(f.openedAt))) keys.age = Float64Array.from(items, (f) => -Date.parse(f.openedAt));
  for (const sort of NUMBER_SORTS) if (keys[sort]?.some((k) => !Number.isFinite(k))) delete keys[sort];
  return keys;
}

/** The orders a render ahead learned from the store and Node, with the text sorts' markup deflated. */
interface Orders {
  text: Record<TextSort, TextOrder>;
  number: Partial<Record<NumberSort, PiecedOrder>>;
}

/** Each distinct piece of `orders` once (equal orders share theirs). */
function distinctPieces(orders: Orders): Set<DeflatedPiece> {
  const pieces = new Set<DeflatedPiece>();
  for (const o of [...Object.values(orders.text), ...Object.values(orders.number)]) {
    if (o.ascPiece) pieces.add(o.ascPiece);
    if (o.descPiece) pieces.add(o.descPiece);
  }
  return pieces;
}

/** A page of kept rows as a view shows it: their count and tools, their markup (or `piece`, already deflated), the total. */
interface PickedRows {
  count: number;
  tools: string[];
  /** The rows' markup in order (empty when `piece` has it). */
  html: Buffer[];
  total: number;
  piece?: DeflatedPiece;
}

export class OpenRows {
  private constructor(
    /**
     * The rows' markup (UTF-8) in the order read: deflated, or as it is when a view a request waits
     * for kept it (deflating ~30 KB cost that view ~0.4 ms; the render ahead that adds the orders
     * deflates it).
     */
    private readonly markup: { deflated: Buffer } | { raw: Buffer },
    /** Where each row's markup ends in the inflated bytes. */
    private readonly ends: Uint32Array,
    private readonly fingerprints: readonly string[],
    private readonly tools: readonly string[],
    /** What the rows are sorted by (titles as stored, number keys), until the orders are known (then dropped). */
    private readonly keys: { titles: readonly string[]; numbers: Partial<Record<NumberSort, Float64Array>> } | undefined,
    /** The rows in each sort's order, when known (withOrders): a view sorted by one then reads nothing. */
    private readonly orders?: Orders,
    /** The page's piece whose bytes `markup` holds (compactedBy): counted once, as a shared piece, not as own bytes. */
    private readonly markupPiece?: DeflatedPiece,
  ) {}

  /** `deflate`: kept deflated (else as it is, in one allocation of its own: pooled slices would each hold a slab). */
  static of(items: readonly SortedRow[], rows: readonly ShownRow[], deflate: boolean): OpenRows {
    const ends = new Uint32Array(rows.length);
    let end = 0;
    rows.forEach((r, i) => (ends[i] = end += r.html.length));
    const all = Buffer.allocUnsafeSlow(end);
    rows.forEach((r, i) => r.html.copy(all, i === 0 ? 0 : ends[i - 1]));
    return new OpenRows(
      deflate ? OpenRows.deflated(all) : { raw: all },
      ends,
      items.map((f) => f.fingerprint),
      rows.map((r) => r.tool),
      { titles: items.map((f) => f.title), numbers: numberKeys(items) },
    );
  }

  private static deflated(raw: Buffer): { deflated: Buffer } {
    return { deflated: ownedBytes(deflateRawSync(raw, { level: 1 })) };
  }

  /** The same rows kept deflated. */
  compact(): OpenRows {
    return 'raw' in this.markup ? new OpenRows(OpenRows.deflated(this.markup.raw), this.ends, this.fingerprints, this.tools, this.keys, this.orders) : this;
  }

  /**
   * The same rows kept deflated by `deflate` (the render's, in their order), with that piece: a view
   * a request waits for shows them so, and deflates them once for its page and the next views
   * (compact deflated the same ~30 KB again, ~0.2 ms). The rows' markup is neutralised already
   * (viewRows), so the piece inflates to it byte for byte; undefined if it did not (nothing kept).
   */
  async compactedBy(deflate: DeflateRows): Promise<{ rows: OpenRows; piece: DeflatedPiece } | undefined> {
    if (!('raw' in this.markup)) return undefined;
    const piece = await deflate(this.markup.raw);
    if (piece.length !== this.markup.raw.length) return undefined;
    return { rows: new OpenRows({ deflated: piece.deflated }, this.ends, this.fingerprints, this.tools, this.keys, this.orders, piece), piece };
  }

  /** Whether the sorts' orders are known (a view sorted by one then reads nothing). */
  get ordered(): boolean {
    return this.orders !== undefined;
  }

  /** What they take in memory: ownBytes and their pieces in each order (bounded by a service's share of the cache). */
  get bytes(): number {
    return this.pieces.reduce((n, p) => n + sharedPieceBytes(p), this.ownBytes);
  }

  /** The rows' markup deflated in each order kept so, each distinct piece once (views sorted so show them: version-cache.ts Footprint). */
  get pieces(): DeflatedPiece[] {
    const orders = this.orders ? [...distinctPieces(this.orders)] : [];
    return this.markupPiece ? [this.markupPiece, ...orders] : orders;
  }

  /** What they take besides `pieces`: the deflated markup, the ends and orders, the texts (UTF-16) and keys with an entry's overhead each. */
  get ownBytes(): number {
    const orders = this.orders ? [...Object.values(this.orders.text), ...Object.values(this.orders.number)].reduce((n, o) => n + 4 * o.asc.length + 200, 0) : 0;
    const keys = this.keys ? Object.values(this.keys.numbers).reduce((n, k) => n + k.byteLength + 100, 0) : 0;
    return this.fingerprints.reduce(
      (n, fp, i) => n + 2 * (fp.length + this.tools[i].length + (this.keys?.titles[i].length ?? 0)) + 56,
      ('raw' in this.markup ? this.markup.raw.length : this.markupPiece ? 0 : this.markup.deflated.length) + this.ends.byteLength + orders + keys + 200,
    );
  }

  private indexOf(): Map<string, number> {
    const at = new Map<string, number>();
    this.fingerprints.forEach((fp, i) => at.set(fp, i));
    return at;
  }

  /** The rows at `indices`, in that order (`all`: the markup inflated, when the caller has it). */
  private rowsAt(indices: ArrayLike<number>, all = this.inflated()): ShownRow[] {
    return Array.from(indices, (i) => ({ html: all.subarray(i === 0 ? 0 : this.ends[i - 1], this.ends[i]), tool: this.tools[i] }));
  }

  private inflated(): Buffer {
    // A sync-flushed piece has no final block (compactedBy): inflated up to its end.
    return 'raw' in this.markup ? this.markup.raw : inflateRawSync(this.markup.deflated, { finishFlush: constants.Z_SYNC_FLUSH });
  }

  /** The rows of `fingerprints` in that order, or undefined if one is not among them. */
  pick(fingerprints: readonly string[]): ShownRow[] | undefined {
    const at = this.indexOf();
    const indices = fingerprints.map((fp) => at.get(fp));
    if (indices.some((i) => i === undefined)) return undefined;
    return this.rowsAt(indices as number[]);
  }

  /**
   * The same rows with each sort's order. The store gives the text sorts' ascending orders of their
   * fingerprints (listFindingKeys: `key ASC, opened_at ASC, id ASC` in the backend's collation) and
   * its order of ties (`arrival`: opened_at ASC, id ASC, what every sort ends with). Descending is
   * `key DESC, opened_at ASC, id ASC`: for a text, the runs of equal keys in reverse, each run in its
   * own order (equal is byte-equal on both backends: SQLite's BINARY; PostgreSQL's deterministic
   * collations break ties of strcoll by the bytes). A number sort is the arrival order sorted by its
   * key (numberKeys) either way, stable: ties stay in the store's order. Undefined when the
   * fingerprints are not exactly these rows. `deflate`: the render's, for the rows' markup in each
   * text order, and in each number order while the whole stays within `maxBytes` (then a view sorted
   * by it deflates none of its rows either; past it, its view deflates them); equal orders share one
   * piece.
   */
  async withOrders(ascending: Record<TextSort | 'arrival', readonly string[]>, deflate: DeflateRows, maxBytes = Infinity): Promise<OpenRows | undefined> {
    const keys = this.keys;
    if (!keys) return this;
    const at = this.indexOf();
    const indices = (fingerprints: readonly string[]) => {
      const order = Uint16Array.from(fingerprints, (fp) => at.get(fp) ?? -1);
      return order.length === this.fingerprints.length && new Set(order).size === order.length && order.every((i) => i < order.length) ? order : undefined;
    };
    const all = this.inflated();
    // One piece per distinct order (keyed by its indices).
    const pieces = new Map<string, DeflatedPiece>();
    const orderKey = (order: Uint16Array) => Buffer.from(order.buffer, order.byteOffset, order.byteLength).toString('latin1');
    const pieceOf = async (order: Uint16Array) => {
      const key = orderKey(order);
      let piece = pieces.get(key);
      if (!piece) pieces.set(key, (piece = await deflate(Buffer.concat(this.rowsAt(order, all).map((r) => r.html)))));
      return piece;
    };
    const textKey: Record<TextSort, readonly string[]> = { title: keys.titles, tool: this.tools };
    const text: Partial<Record<TextSort, TextOrder>> = {};
    for (const sort of TEXT_SORTS) {
      const asc = indices(ascending[sort]);
      if (!asc) return undefined;
      const key = textKey[sort];
      const runs: number[][] = [];
      for (const i of asc) {
        const run = runs.at(-1);
        if (run && key[run[0]] === key[i]) run.push(i);
        else runs.push([i]);
      }
      const desc = Uint16Array.from(runs.reverse().flat());
      text[sort] = { asc, desc, ascPiece: await pieceOf(asc), descPiece: await pieceOf(desc) };
    }
    const arrival = indices(ascending.arrival);
    if (!arrival) return undefined;
    const number: Partial<Record<NumberSort, PiecedOrder>> = {};
    for (const sort of NUMBER_SORTS) {
      const key = keys.numbers[sort];
      if (!key) continue;
      // Array's sort is stable (typed arrays' need not be).
      const sorted = (by: (a: number, b: number) => number) => Uint16Array.from(Array.from(arrival).sort(by));
      number[sort] = { asc: sorted((a, b) => key[a] - key[b]), desc: sorted((a, b) => key[b] - key[a]) };
    }
    const orders = { text: text as Record<TextSort, TextOrder>, number };
    const compacted = this.compact();
    const markup = compacted.markup;
    const ordered = () => new OpenRows(markup, this.ends, this.fingerprints, this.tools, undefined, orders, compacted.markupPiece);
    // The number sorts' pieces, descending first (a sort's first click), while they fit: the orders
    // of one service's rows deflate to about the same size (a piece of an order already deflated is free).
    let bytes = ordered().bytes;
    const size = (pieces.values().next().value?.deflated.length ?? 0) + 100;
    for (const dir of ['desc', 'asc'] as const) {
      for (const sort of NUMBER_SORTS) {
        const o = number[sort];
        if (!o) continue;
        const shared = pieces.get(orderKey(o[dir]));
        if (!shared && bytes + size > maxBytes) continue;
        const piece = shared ?? (await pieceOf(o[dir]));
        o[dir === 'asc' ? 'ascPiece' : 'descPiece'] = piece;
        if (!shared) bytes += sharedPieceBytes(piece);
      }
    }
    return ordered();
  }

  /**
   * A page of every open row sorted by `sort` (`offset`, `limit`), with their total, when the order
   * is known. A page that holds them all in an order kept deflated (every text sort's, the number
   * sorts' that fit) comes with its rows' markup deflated (`piece`), and inflates nothing.
   */
  sortedPage(sort: FindingSort, dir: 'asc' | 'desc', offset: number, limit: number): PickedRows | undefined {
    const known: PiecedOrder | undefined = (TEXT_SORTS as readonly string[]).includes(sort) ? this.orders?.text[sort as TextSort] : this.orders?.number[sort as NumberSort];
    if (!known) return undefined;
    const order = known[dir].subarray(offset, offset + limit);
    const tools = Array.from(order, (i) => this.tools[i]);
    const piece = known[dir === 'asc' ? 'ascPiece' : 'descPiece'];
    if (piece && offset === 0 && order.length === known[dir].length) return { count: order.length, tools, html: [], total: known[dir].length, piece };
    return { count: order.length, tools, html: this.rowsAt(order).map((r) => r.html), total: known[dir].length };
  }
}

/** The findings filter of a view (page FINDINGS_PAGE_SIZE). */
function findingFilter(name: string, view: ServiceView): FindingFilter {
  const { state, severity, category, tool, kev, epssMin, epssPercentileMin, sort, dir, page } = view;
  return {
    service: name,
    severity,
    category,
    tool,
    state,
    kev: kev === undefined ? undefined : kev === 'true',
    epssMin,
    epssPercentileMin,
    sort,
    order: dir,
    limit: FINDINGS_PAGE_SIZE,
    offset: (page - 1) * FINDINGS_PAGE_SIZE,
  };
}

/** Whether a view shows open findings unfiltered (its pages hold every open finding in its order). */
const unfilteredOpen = (v: ServiceView) =>
  v.state === 'open' && !v.severity && !v.category && !v.tool && v.kev === undefined && v.epssMin === undefined && v.epssPercentileMin === undefined;
/** Whether a view's page holds every open finding of the service when its total fits in it. */
const showsAllOpen = (v: ServiceView) => unfilteredOpen(v) && v.page === 1;

/**
 * A view's rows and total: picked from `kept` (rendered at a clock whose texts still hold, same data
 * version) when the view shows open findings, else read and rendered; `open` is every open finding
 * when this view read them all and they take at most `keepMax` bytes (for the next views).
 * `orderTexts` (a render ahead's deflate, nobody waiting): `open` also holds the orders of the sorts
 * (three more narrow statements: the text sorts' and the store's order of ties; OpenRows.withOrders),
 * and the rows deflated in each text order, so those views of the kept rows read nothing (and a text
 * sort's deflates no row); given with rows kept without them, `open` is those rows with them.
 */
async function viewRows(
  store: ReadStore,
  name: string,
  view: ServiceView,
  at: Date,
  kept: OpenRows | undefined,
  keepMax: number,
  orderTexts: DeflateRows | undefined,
  deflateRows: DeflateRows | undefined,
): Promise<PickedRows & { open?: OpenRows }> {
  const filter = findingFilter(name, view);
  // A service's open rows in every sort's order: ties and collation are the store's (withOrders).
  const ordered = async (open: OpenRows) => {
    if (!orderTexts || open.ordered) return open;
    // A sort by service ties one service's findings: its order is the one of ties (opened_at, id).
    const ascending = async (sort: TextSort | 'service') => (await store.listFindingKeys({ service: name, state: 'open', sort, order: 'asc', limit: FINDINGS_PAGE_SIZE, offset: 0 }, at)).fingerprints;
    const withOrders = await open.withOrders({ title: await ascending('title'), tool: await ascending('tool'), arrival: await ascending('service') }, orderTexts, keepMax);
    return withOrders && withOrders.bytes <= keepMax ? withOrders : open;
  };
  const shown = (rows: ShownRow[], total: number): PickedRows => ({ count: rows.length, tools: rows.map((r) => r.tool), html: rows.map((r) => r.html), total });
  if (kept && view.state === 'open') {
    if (unfilteredOpen(view)) {
      const page = kept.sortedPage(view.sort, view.dir, filter.offset, FINDINGS_PAGE_SIZE);
      if (page) return page;
    }
    const keys = await store.listFindingKeys(filter, at);
    // Always all there at the same data version; a miss reads the page as if nothing were kept.
    const rows = kept.pick(keys.fingerprints);
    if (rows) return { ...shown(rows, keys.total), open: orderTexts && !kept.ordered && showsAllOpen(view) ? await ordered(kept) : undefined };
  }
  const { items, total } = await store.listFindings(filter, at, true);
  // Neutralised as the page's deflate would (invisible-text.ts; each character on its own): the
  // rows' bytes are then the page's, and their piece (compactedBy) inflates to them.
  const rows = items.map((f) => ({ html: neutralisedUtf8(findingRowHtml(f, view.state)), tool: f.tool }));
  if (keepMax <= 0 || !showsAllOpen(view) || items.length !== total) return shown(rows, total);
  // A view a request waits for keeps them as they are when they fit so, deflated when only so:
  // then with the render's deflate, the same piece its page shows (deflated once).
  const read = OpenRows.of(items, rows, orderTexts !== undefined);
  if (read.bytes > keepMax && !orderTexts && deflateRows && rows.length > 0) {
    const compacted = await read.compactedBy(deflateRows);
    if (compacted) return { count: rows.length, tools: rows.map((r) => r.tool), html: [], total, piece: compacted.piece, open: compacted.rows.bytes > keepMax ? undefined : compacted.rows };
  }
  const open = read.bytes > keepMax ? read.compact() : read;
  return { ...shown(rows, total), open: open.bytes > keepMax ? undefined : await ordered(open) };
}

/** The posture of a chart of `days` days at `at`, densified over its window (read apart from the head). */
async function viewSeries(store: ReadStore, name: string, days: number, at: Date): Promise<ChartDay[]> {
  const window = chartWindow(days, at);
  return chartSeries(await store.postureSeries(name, window), window);
}

const chartSeries = (posture: PosturePoint[], { from, to }: { from: string; to: string }) => densifySeries(posture.map((p) => ({ day: p.day, counts: p })), from, to);

/**
 * What a view shows around its rows: its window, page, filters and sort, and the tools its filter
 * offers (the scans', the rows', the one asked for).
 */
function viewControls(view: ServiceView, fromScans: string[], rowTools: string[]) {
  const { state, severity, category, tool, kev, epssMin, epssPercentileMin, sort, dir, days, page } = view;
  return {
    days,
    page,
    pageSize: FINDINGS_PAGE_SIZE,
    filters: { state, severity, category, tool, kev, epssMin, epssPercentileMin },
    tools: [...new Set([...fromScans, ...rowTools, ...(tool ? [tool] : [])])].sort(),
    sort,
    dir,
  };
}

/** A view's part of the body (serviceViewHtml's props), its rows in the slot `rowsSlot`. */
function serviceView(name: string, view: ServiceView, read: PickedRows, fromScans: string[], chart: string, rowsSlot: string): ServiceViewProps {
  return {
    name,
    series: [],
    chart,
    rows: { count: read.count, html: rowsSlot },
    findingTotal: read.total,
    ...viewControls(view, fromScans, read.tools),
  };
}

/**
 * A view's part of a service body, at the clock of the head it goes with: `fromScans` is scanTools
 * of that head's scans, `chart` the chart's markup (or a slot for it), drawn apart; the rows' markup
 * (UTF-8, in order) goes where `rowsSlot` is in the markup (once, when there are rows). `kept`: the
 * service's open rows another view rendered at a clock still true at `at` (same data version);
 * `open` in the answer: this view's, when it read them all (at most `keepMax` bytes); with
 * `orderTexts` (a render ahead's deflate) they also hold every sort's order, and kept rows
 * without them come back with them. `deflateRows` (the render's deflate, a request waiting): rows
 * read now and kept deflated are deflated with it once, for the page too. `rowsPiece`: the rows'
 * markup already deflated (kept rows in a sort kept so, or rows just read and kept deflated), to go
 * in place of `rows`.
 */
export async function serviceViewParts(
  store: ReadStore,
  name: string,
  view: ServiceView,
  at: Date,
  fromScans: string[],
  slots: { chart: string; rows: string },
  kept?: OpenRows,
  keepMax = 0,
  orderTexts?: DeflateRows,
  deflateRows?: DeflateRows,
): Promise<{ html: string; rows: Buffer[]; open?: OpenRows; rowsPiece?: DeflatedPiece }> {
  // The window is noted on the clock as when the posture was read with the view (a day turn).
  chartWindow(view.days, at);
  const read = await viewRows(store, name, view, at, kept, keepMax, orderTexts, deflateRows);
  const props = serviceView(name, view, read, fromScans, slots.chart, slots.rows);
  return { html: serviceViewHtml(props), rows: read.html, open: read.open, rowsPiece: read.piece };
}
