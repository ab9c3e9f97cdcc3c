// The bodies of the overview and service pages: what their reads are and how they render, apart
// from the cache that keeps them (view-routes.tsx), so the bench and the tests render one directly.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { z } from 'zod';
import { CategorySchema, SeveritySchema } from '../../src/findings/finding.js';
import { cachedOverview } from '../cached-reads.js';
import { densifySeries, PostureChart, postureChartUtf8, type ChartDay } from '../components/charts.js';
import type { RouteDeps } from '../deps.js';
import { ClockReading, nextDayTurn, noteChange, noteMinute } from '../clock-reading.js';
import { STALE_AFTER_DAYS, type FindingFilter, type ReadStore } from '../store/types.js';
import { changeTurn } from '../store/week.js';
import { ownedBytes } from '../owned-bytes.js';
import type { DeflatedPiece } from './gzip-join.js';
import { OVERVIEW_PAGE_SIZE, OverviewContent } from './overview.js';
import { WeekDaysSchema } from '../api/query.js';
import { DEFAULT_WEEK_DAYS, readWeek } from '../week-read.js';
import { CHART_WINDOWS, DEFAULT_CHART_DAYS, FINDING_STATES, findingRowHtml, postureChartLabel, ServiceContent, ServiceHeadContent, ServiceScansContent, ServiceViewContent, type ServiceViewProps } from './service.js';
import type { ScanSummary, ServiceDetail } from '../store/types.js';
import type { ServiceChange } from '../store/week.js';
import { FINDING_SORTS, OVERVIEW_SORTS } from './view-models.js';

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
export async function renderOverviewBody(deps: Pick<RouteDeps, 'cache'> & { store: ReadStore }, view: OverviewView, at: Date, version?: number) {
  noteMinute(at);
  return (
    <OverviewContent
      rows={await cachedOverview(deps, at, version)}
      week={await readWeek(deps, at, view.days, undefined, version)}
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


/** The days a service page's chart shows at `at` (YYYY-MM-DD, UTC). */
export function chartWindow(days: number, at: Date): { from: string; to: string } {
  noteChange(at, nextDayTurn(at.getTime()));
  return { from: new Date(at.getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10), to: at.toISOString().slice(0, 10) };
}

/**
 * The posture chart of a service page as markup: the same bytes the body renders in its place. It
 * depends only on the service's data (its version) and the days of its window, not on the clock
 * within a day nor on the findings table's sort, filters or page.
 */
export async function postureChartHtml(store: ReadStore, name: string, days: number, at: Date): Promise<string> {
  return String(await (<PostureChart series={await viewSeries(store, name, days, at)} label={postureChartLabel(name, days)} />));
}

/** postureChartHtml as UTF-8, the same bytes (postureChartUtf8: cheaper than the text, then encoded). */
export async function postureChartBytes(store: ReadStore, name: string, days: number, at: Date): Promise<Buffer> {
  return postureChartUtf8(await viewSeries(store, name, days, at), postureChartLabel(name, days));
}

/** What a service body shows besides its view: the service, its recent scans, its change over the last week. */
export interface ServiceHeadData {
  service: ServiceDetail;
  scans: ScanSummary[];
  change: ServiceChange | undefined;
}

/** The reads of a service body's head and scans (the same for every view of the page at `at`). */
export async function readServiceHead(store: ReadStore, name: string, at: Date): Promise<ServiceHeadData> {
  const changeSince = new Date(at.getTime() - DEFAULT_WEEK_DAYS * 86_400_000).toISOString();
  // One read (store.serviceHead): the service, its scans and its change with the change's turn.
  const head = await store.serviceHead(name, at, changeSince, 20);
  if (!head) throw new Error(`service ${name} vanished while its page was rendered`);
  // A render kept until its text changes also learns when the change line moves (clock-reading.ts).
  if (at instanceof ClockReading) noteChange(at, changeTurn(head.turn, DEFAULT_WEEK_DAYS * 86_400_000));
  return { service: head.service, scans: head.scans, change: head.changes[0] };
}

/** The tools a service's filter offers from its recent scans (a view adds those of its rows and its filter). */
export function scanTools(scans: ScanSummary[]): string[] {
  return [...new Set(scans.flatMap((s) => s.scanners.filter((r) => r.status === 'ok' || r.status === 'imported' || r.status === 'error').map((r) => r.tool)))];
}

/** The head of a service body as markup (ServiceHeadContent). */
export async function serviceHeadHtml(head: ServiceHeadData, at: Date): Promise<string> {
  return String(await (<ServiceHeadContent service={head.service} now={at} change={head.change} changeDays={DEFAULT_WEEK_DAYS} />));
}

/** The recent scans of a service body as markup (ServiceScansContent). */
export async function serviceScansHtml(head: ServiceHeadData, at: Date): Promise<string> {
  return String(await (<ServiceScansContent scans={head.scans} now={at} />));
}

/** A finding row as a view shows it: its markup (findingRowHtml) as UTF-8, and its tool (the filter offers it). */
export interface ShownRow {
  html: Buffer;
  tool: string;
}

/**
 * Every open finding of a service as its page shows them, rendered at one clock (view-routes.tsx
 * keeps them with the page's head): another view of open findings then picks its rows in one narrow
 * statement (listFindingKeys) instead of reading and rendering them again.
 *
 * Kept compact: the rows' markup as one deflate stream (about 50 bytes a row of ~770, the rows of a
 * page being alike), with each row's end, fingerprint and tool; a view inflates it (tens of
 * microseconds) and takes its rows as slices in its own order. So every service with up to a page of
 * open findings keeps its rows in a few KB, not half of its share of the cache. A view a request
 * waits for keeps them as markup when they fit so (deflating costs it ~0.4 ms); the next render
 * ahead deflates them.
 */
/** How a render deflates markup it keeps (view-routes.tsx: invisible characters neutralised, at its level). */
export type DeflateRows = (markup: Buffer) => DeflatedPiece | Promise<DeflatedPiece>;

/** The sorts of text columns, whose order the store gives (collation differs between backends). */
export const TEXT_SORTS = ['title', 'tool'] as const;
export type TextSort = (typeof TEXT_SORTS)[number];

/** The rows (indices) in one text sort's order, both ways, with their markup in each order deflated. */
interface TextOrder {
  asc: Uint16Array;
  desc: Uint16Array;
  ascPiece: DeflatedPiece;
  descPiece: DeflatedPiece;
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
    /** The rows' titles as stored (what the title sort compares), until the orders are known (then dropped). */
    private readonly titles: readonly string[] | undefined,
    /**
     * The rows in the store's order of each text sort, when known (withTextOrders), with their markup
     * in each order as the render ahead deflated it (a view then reads and deflates no row).
     */
    private readonly orders?: Record<TextSort, TextOrder>,
  ) {}

  /** `deflate`: kept deflated (else as it is, in one allocation of its own: pooled slices would each hold a slab). */
  static of(items: readonly { fingerprint: string; title: string }[], rows: readonly ShownRow[], deflate: boolean): OpenRows {
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
      items.map((f) => f.title),
    );
  }

  private static deflated(raw: Buffer): { deflated: Buffer } {
    return { deflated: ownedBytes(deflateRawSync(raw, { level: 1 })) };
  }

  /** The same rows kept deflated. */
  compact(): OpenRows {
    return 'raw' in this.markup ? new OpenRows(OpenRows.deflated(this.markup.raw), this.ends, this.fingerprints, this.tools, this.titles, this.orders) : this;
  }

  /** Whether the text sorts' orders are known (a view sorted by one then reads nothing). */
  get ordered(): boolean {
    return this.orders !== undefined;
  }

  /** What they take in memory: the deflated markup, the ends and orders, the texts (UTF-16) with an entry's overhead each. */
  get bytes(): number {
    const orders = this.orders ? Object.values(this.orders).reduce((n, o) => n + o.ascPiece.deflated.length + o.descPiece.deflated.length + 4 * o.asc.length + 300, 0) : 0;
    return this.fingerprints.reduce((n, fp, i) => n + 2 * (fp.length + this.tools[i].length + (this.titles?.[i].length ?? 0)) + 56, ('raw' in this.markup ? this.markup.raw.length : this.markup.deflated.length) + this.ends.byteLength + orders + 200);
  }

  private indexOf(): Map<string, number> {
    const at = new Map<string, number>();
    this.fingerprints.forEach((fp, i) => at.set(fp, i));
    return at;
  }

  /** The rows at `indices`, in that order. */
  private rowsAt(indices: ArrayLike<number>): ShownRow[] {
    const all = 'raw' in this.markup ? this.markup.raw : inflateRawSync(this.markup.deflated);
    return Array.from(indices, (i) => ({ html: all.subarray(i === 0 ? 0 : this.ends[i - 1], this.ends[i]), tool: this.tools[i] }));
  }

  /** The rows of `fingerprints` in that order, or undefined if one is not among them. */
  pick(fingerprints: readonly string[]): ShownRow[] | undefined {
    const at = this.indexOf();
    const indices = fingerprints.map((fp) => at.get(fp));
    if (indices.some((i) => i === undefined)) return undefined;
    return this.rowsAt(indices as number[]);
  }

  /**
   * The same rows with each text sort's order, from the store's ascending order of their
   * fingerprints (listFindingKeys: `key ASC, opened_at ASC, id ASC` in the backend's collation).
   * Descending is `key DESC, opened_at ASC, id ASC`: the runs of equal keys in reverse, each run in
   * its own order. Equal is byte-equal on both backends (SQLite's BINARY; PostgreSQL's
   * deterministic collations break ties of strcoll by the bytes), so it is the text's equality.
   * Undefined when the fingerprints are not exactly these rows. `deflate`: the render's, for the
   * rows' markup in each order.
   */
  async withTextOrders(ascending: Record<TextSort, readonly string[]>, deflate: DeflateRows): Promise<OpenRows | undefined> {
    const titles = this.titles;
    if (!titles) return this;
    const at = this.indexOf();
    const keyOf: Record<TextSort, readonly string[]> = { title: titles, tool: this.tools };
    const orders: Partial<Record<TextSort, TextOrder>> = {};
    for (const sort of TEXT_SORTS) {
      const asc = Uint16Array.from(ascending[sort], (fp) => at.get(fp) ?? -1);
      if (asc.length !== this.fingerprints.length || new Set(asc).size !== asc.length || asc.some((i) => i >= asc.length)) return undefined;
      const key = keyOf[sort];
      const runs: number[][] = [];
      for (const i of asc) {
        const run = runs.at(-1);
        if (run && key[run[0]] === key[i]) run.push(i);
        else runs.push([i]);
      }
      const desc = Uint16Array.from(runs.reverse().flat());
      const inOrder = (order: Uint16Array) => Buffer.concat(this.rowsAt(order).map((r) => r.html));
      orders[sort] = { asc, desc, ascPiece: await deflate(inOrder(asc)), descPiece: await deflate(inOrder(desc)) };
    }
    return new OpenRows(this.compact().markup, this.ends, this.fingerprints, this.tools, undefined, orders as Record<TextSort, TextOrder>);
  }

  /**
   * A page of every open row sorted by a text column (`offset`, `limit`), with their total, when the
   * order is known; a page that holds them all comes with its rows' markup deflated (`piece`).
   */
  sortedPage(sort: TextSort, dir: 'asc' | 'desc', offset: number, limit: number): { rows: ShownRow[]; total: number; piece?: DeflatedPiece } | undefined {
    const known = this.orders?.[sort];
    if (!known) return undefined;
    const order = known[dir];
    const all = offset === 0 && order.length <= limit;
    return { rows: this.rowsAt(order.subarray(offset, offset + limit)), total: order.length, piece: all ? known[dir === 'asc' ? 'ascPiece' : 'descPiece'] : undefined };
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
 * `orderTexts` (a render ahead's deflate, nobody waiting): `open` also holds the orders of the text
 * sorts, title and tool (two more narrow statements), and the rows deflated in each, so those sorts
 * of the kept rows read and deflate nothing; given with rows kept without them, `open` is those rows
 * with them.
 */
async function viewRows(
  store: ReadStore,
  name: string,
  view: ServiceView,
  at: Date,
  kept: OpenRows | undefined,
  keepMax: number,
  orderTexts: DeflateRows | undefined,
): Promise<{ rows: ShownRow[]; total: number; open?: OpenRows; piece?: DeflatedPiece }> {
  const filter = findingFilter(name, view);
  // A service's open rows in the text sorts' orders: ties and collation are the store's (withTextOrders).
  const ordered = async (open: OpenRows) => {
    if (!orderTexts || open.ordered) return open;
    const ascending = async (sort: TextSort) => (await store.listFindingKeys({ service: name, state: 'open', sort, order: 'asc', limit: FINDINGS_PAGE_SIZE, offset: 0 }, at)).fingerprints;
    const withOrders = await open.withTextOrders({ title: await ascending('title'), tool: await ascending('tool') }, orderTexts);
    return withOrders && withOrders.bytes <= keepMax ? withOrders : open;
  };
  if (kept && view.state === 'open') {
    if ((TEXT_SORTS as readonly string[]).includes(view.sort) && unfilteredOpen(view)) {
      const page = kept.sortedPage(view.sort as TextSort, view.dir, filter.offset, FINDINGS_PAGE_SIZE);
      if (page) return page;
    }
    const keys = await store.listFindingKeys(filter, at);
    // Always all there at the same data version; a miss reads the page as if nothing were kept.
    const rows = kept.pick(keys.fingerprints);
    if (rows) return { rows, total: keys.total, open: orderTexts && !kept.ordered && showsAllOpen(view) ? await ordered(kept) : undefined };
  }
  const { items, total } = await store.listFindings(filter, at);
  const rows = items.map((f) => ({ html: Buffer.from(findingRowHtml(f, view.state), 'utf8'), tool: f.tool }));
  if (keepMax <= 0 || !showsAllOpen(view) || items.length !== total) return { rows, total };
  // A view a request waits for keeps them as they are when they fit so, deflated when only so.
  const read = OpenRows.of(items, rows, orderTexts !== undefined);
  const open = read.bytes > keepMax ? read.compact() : read;
  return { rows, total, open: open.bytes > keepMax ? undefined : await ordered(open) };
}

/** The posture a body draws in place (no chart drawn apart), densified over the view's window. */
async function viewSeries(store: ReadStore, name: string, days: number, at: Date): Promise<ChartDay[]> {
  const { from, to } = chartWindow(days, at);
  const posture = await store.postureSeries(name, { from, to });
  return densifySeries(posture.map((p) => ({ day: p.day, counts: p })), from, to);
}

/**
 * What a view shows around its rows, alike in its part alone and in the one-piece body: its window,
 * page, filters and sort, and the tools its filter offers (the scans', the rows', the one asked for).
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

/** A view's part of the body (ServiceViewContent), its rows in the slot `rowsSlot`. */
function serviceView(name: string, view: ServiceView, read: { rows: ShownRow[]; total: number }, fromScans: string[], chart: string, rowsSlot: string): ServiceViewProps {
  return {
    name,
    series: [],
    chart,
    rows: { count: read.rows.length, html: rowsSlot },
    findingTotal: read.total,
    ...viewControls(view, fromScans, read.rows.map((r) => r.tool)),
  };
}

/**
 * A view's part of a service body, at the clock of the head it goes with: `fromScans` is scanTools
 * of that head's scans, `chart` the chart's markup (or a slot for it), drawn apart; the rows' markup
 * (UTF-8, in order) goes where `rowsSlot` is in the markup (once, when there are rows). `kept`: the
 * service's open rows another view rendered at a clock still true at `at` (same data version);
 * `open` in the answer: this view's, when it read them all (at most `keepMax` bytes); with
 * `orderTexts` (a render ahead's deflate) they also hold the text sorts' orders, and kept rows
 * without them come back with them. `rowsPiece`: the rows' markup already deflated (kept rows sorted
 * by a text column), to go in place of `rows`.
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
): Promise<{ html: string; rows: Buffer[]; open?: OpenRows; rowsPiece?: DeflatedPiece }> {
  // The window is noted on the clock as when the posture was read with the view (a day turn).
  chartWindow(view.days, at);
  const read = await viewRows(store, name, view, at, kept, keepMax, orderTexts);
  const props = serviceView(name, view, read, fromScans, slots.chart, slots.rows);
  return { html: String(await (<ServiceViewContent {...props} />)), rows: read.rows.map((r) => r.html), open: read.open, rowsPiece: read.piece };
}

/**
 * A service page's body as one piece. `chart`: the chart's markup to put in its place
 * (postureChartHtml of the same service, days and day), so the body reads and draws no posture.
 */
export async function renderServiceBody(store: ReadStore, name: string, view: ServiceView, at: Date, chart?: string) {
  chartWindow(view.days, at);
  const [head, read, series] = await Promise.all([
    readServiceHead(store, name, at),
    store.listFindings(findingFilter(name, view), at),
    chart === undefined ? viewSeries(store, name, view.days, at) : [],
  ]);
  return (
    <ServiceContent
      service={head.service}
      series={series}
      chart={chart}
      findings={read.items}
      findingTotal={read.total}
      {...viewControls(view, scanTools(head.scans), read.items.map((f) => f.tool))}
      scans={head.scans}
      sla={store.sla}
      now={at}
      change={head.change}
      changeDays={DEFAULT_WEEK_DAYS}
    />
  );
}
