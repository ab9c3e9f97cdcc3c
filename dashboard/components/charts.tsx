// Server-rendered SVG charts. SVG keeps the CSP strict (no script, colours from CSS classes) and the
// pages readable without JavaScript. Every day of the posture chart is a hover column (<rect>) with
// data-day, a data-<severity> count per visible severity and a <title> tooltip listing them, so
// browsers show a day's values on hover and tests can count the days (one a day up to 90 days, one
// a week beyond).
import type { FC } from 'hono/jsx';
import type { Severity } from '../../src/findings/finding.js';
import { SEVERITY_ORDER } from '../../src/findings/severity.js';
import { fullCounts, totalCount, type SeverityCounts } from './severity.js';
import { countOf } from './format.js';
import { esc } from './html-text.js';

interface PosturePoint {
  /** YYYY-MM-DD (UTC). */
  day: string;
  counts: Partial<Record<Severity, number>>;
}

const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** One day of the chart; `counts` is null before the first snapshot (unknown, not zero). */
export interface ChartDay {
  day: string;
  counts: SeverityCounts | null;
}

/**
 * One point per day from `from` to `to` (inclusive). A day without its own point carries the
 * previous day's counts forward (posture only changes when a scan arrives); days before the first
 * known point have no counts, so the chart leaves them empty instead of drawing a false zero.
 */
export function densifySeries(points: PosturePoint[], from: string, to: string): ChartDay[] {
  // Start from the last known point before the window, if any (the latest day before it; of two
  // points on that day, the later one). A scan, not a sort: a year's series is 365 points.
  let before: PosturePoint | undefined;
  let inOrder = true;
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    if (p.day < from && (!before || p.day >= before.day)) before = p;
    if (i > 0 && points[i - 1].day > p.day) inOrder = false;
  }
  let carry: SeverityCounts | null = before ? fullCounts(before.counts) : null;
  const out: ChartDay[] = [];
  if (inOrder) {
    // Points in day order (as the store gives them): walked alongside the days, no map of them.
    let next = 0;
    for (const day of windowDays(from, to)) {
      let own: PosturePoint | undefined;
      while (next < points.length && points[next].day <= day) {
        if (points[next].day === day) own = points[next];
        next++;
      }
      if (own) carry = fullCounts(own.counts);
      out.push({ day, counts: carry });
    }
    return out;
  }
  const byDay = new Map(points.map((p) => [p.day, fullCounts(p.counts)]));
  for (const day of windowDays(from, to)) {
    carry = byDay.get(day) ?? carry;
    out.push({ day, counts: carry });
  }
  return out;
}

/** The days from `from` to `to` (YYYY-MM-DD, inclusive); the same few windows are drawn all day, so they are kept. */
const windowDaysKept = new Map<string, readonly string[]>();
function windowDays(from: string, to: string): readonly string[] {
  const key = `${from} ${to}`;
  let days = windowDaysKept.get(key);
  if (days === undefined) {
    const list: string[] = [];
    for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS) list.push(new Date(t).toISOString().slice(0, 10));
    if (windowDaysKept.size >= 16) windowDaysKept.clear();
    windowDaysKept.set(key, (days = list));
  }
  return days;
}

/**
 * Axis ticks for counts: a round step (1, 2, 5 x 10^n, never below `minStep`) so that at most
 * `count` steps cover `max`; the axis ends at the last tick. 11 -> 0, 5, 10, 15 (not 0 .. 20 in
 * quarters of 2.5 findings).
 */
export function niceTicks(max: number, count = 4, minStep = 1): number[] {
  const target = Math.max(minStep, max / count);
  const magnitude = 10 ** Math.floor(Math.log10(target));
  let step = 10 * magnitude;
  for (const m of [1, 2, 5, 10]) {
    if (m * magnitude >= target && m * magnitude >= minStep) {
      step = m * magnitude;
      break;
    }
  }
  const top = Math.max(step, Math.ceil(max / step) * step);
  const ticks: number[] = [];
  for (let t = 0; t <= top + step / 2; t += step) ticks.push(Math.round(t * 100) / 100);
  return ticks;
}

interface ChartGeometry {
  w: number;
  h: number;
  m: { top: number; right: number; bottom: number; left: number };
  /** How many x-axis day labels at most (the last day always has one). */
  xLabels: number;
  /** How many y steps at most. */
  ySteps: number;
}

/** The wide chart (desktop, tablets): 960 x 280, as before. */
const WIDE: ChartGeometry = { w: 960, h: 280, m: { top: 14, right: 18, bottom: 30, left: 46 }, xLabels: 8, ySteps: 4 };
/**
 * The compact chart shown instead at 600 px and below: a viewBox about as wide as the phone, so its
 * 12-unit text is drawn at about 10-12 px instead of 4 px (the wide chart scaled to 350 px), with
 * four day labels and three y ticks.
 */
const COMPACT: ChartGeometry = { w: 400, h: 250, m: { top: 12, right: 14, bottom: 28, left: 34 }, xLabels: 4, ySteps: 3 };

/**
 * Stacked areas of open findings per severity over days (critical at the bottom, where the eye
 * lands first), with a line on the top edge of each band. Drawn twice: a wide chart and a compact
 * one for narrow screens (CSS shows one). The wide one carries a hover column per day (one a week
 * beyond 90 days) with every severity's count in its tooltip and data attributes, and a dot where a
 * band changes (and on the first and last day), so 90 days x 4 severities are not 360 dots in a row
 * nor 360 tooltips (the 90-day chart was 89 KB, most of it those points). Its markup as a string.
 */
export function postureChartHtml(series: ChartDay[], label: string): string {
  return postureFigure(postureData(series, label), false);
}

/**
 * postureChartHtml as UTF-8, the same bytes, without ever holding it as one two-byte string:
 * a `—` in the points' tooltips made the 90-day chart a string of 88,000 two-byte characters
 * (176 KB), which V8 puts in its large-object space; allocating and flattening it cost 1-1.5 ms of
 * CPU per drawing, more than the encoding. The figure is built with its non-ASCII texts as UTF-8
 * bytes in one-byte characters (latin1), and written as it is.
 */
export async function postureChartUtf8(series: ChartDay[], label: string): Promise<Buffer> {
  return Buffer.from(postureFigure(postureData(series, label), true), 'latin1');
}

/** What both drawings share: each day's total and each visible band's upper edge (its lower edge is the band below's upper edge, zero under the first). */
function postureData(window: ChartDay[], label: string): PostureData {
  // Known days form one run at the end of the window (carried forward after the first snapshot).
  const firstKnown = window.findIndex((p) => p.counts !== null);
  const offset = firstKnown === -1 ? window.length : firstKnown;
  const series = window.slice(offset) as { day: string; counts: SeverityCounts }[];
  const visible = SEVERITY_ORDER.filter((s) => series.some((p) => p.counts[s] > 0));
  const totals = series.map((p) => totalCount(p.counts));
  const running = series.map(() => 0);
  const uppers = visible.map((s) => {
    series.forEach((p, i) => (running[i] += p.counts[s]));
    return [...running];
  });
  return { window, offset, series, visible, totals, uppers, label };
}

/**
 * The figure: the two drawings and the legend (the last day's count of critical, high and each
 * other visible severity), as markup; `asLatin1`: its texts above ASCII as UTF-8 in latin1.
 */
function postureFigure(data: PostureData, asLatin1: boolean): string {
  const { series, visible } = data;
  const last = series.length > 0 ? series[series.length - 1] : undefined;
  let legend = '';
  for (const s of SEVERITY_ORDER) {
    if (visible.includes(s) || s === 'critical' || s === 'high') legend += `<span class="legend-item"><span class="swatch sev-${s}"></span>${s} <strong>${last ? last.counts[s] : 0}</strong></span>`;
  }
  if (last) legend += `<span class="legend-note">open on ${esc(last.day)}</span>`;
  return `<figure class="chart">${postureSvg(data, WIDE, true, asLatin1)}${postureSvg(data, COMPACT, false, asLatin1)}<figcaption class="legend">${legend}</figcaption></figure>`;
}

/** `text` with every character above ASCII as its UTF-8 bytes, one character each (latin1: Buffer.from(x, 'latin1') writes them back). */
const utf8AsLatin1 = (text: string) => (/[^\x00-\x7f]/.test(text) ? Buffer.from(text, 'utf8').toString('latin1') : text);

interface PostureData {
  window: ChartDay[];
  /** Window index of the first known day. */
  offset: number;
  series: { day: string; counts: SeverityCounts }[];
  visible: Severity[];
  totals: number[];
  /** Per visible severity (bottom up), the band's upper edge per series day. */
  uppers: number[][];
  label: string;
}

/** Tenths of a unit as text: 101 -> 10.1, -40 -> -4 (Math.round(v * 10) / 10 as text; a chart's coordinates repeat from chart to chart: each written once). */
const TENTHS_KEPT = 20_000;
const tenthsText = new Array<string | undefined>(2 * TENTHS_KEPT + 1);
function tenths(t: number): string {
  const k = t + TENTHS_KEPT;
  if (k < 0 || k > 2 * TENTHS_KEPT) return String(t / 10);
  return (tenthsText[k] ??= String(t / 10));
}

/**
 * Where a drawing puts a window of `n` days: each day's x in tenths of a unit and as text, and the
 * left edge of its hover column as text. The same for every chart of that window and geometry,
 * so kept (the last few windows).
 */
interface DayPlaces {
  xt: number[];
  xText: string[];
  columnText: string[];
}
const dayPlacesKept = new Map<string, DayPlaces>();
function dayPlaces(g: ChartGeometry, n: number, slot: number): DayPlaces {
  const key = `${g.w} ${n}`;
  let places = dayPlacesKept.get(key);
  if (places === undefined) {
    const plotW = g.w - g.m.left - g.m.right;
    const xw = (i: number) => g.m.left + (n <= 1 ? plotW / 2 : (i * plotW) / (n - 1));
    places = { xt: [], xText: [], columnText: [] };
    for (let i = 0; i < n; i++) {
      places.xt.push(Math.round(xw(i) * 10));
      places.xText.push(tenths(places.xt[i]));
      places.columnText.push(tenths(Math.round((xw(i) - slot / 2) * 10)));
    }
    if (dayPlacesKept.size >= 16) dayPlacesKept.clear();
    dayPlacesKept.set(key, places);
  }
  return places;
}

/**
 * One drawing of the chart as markup, built as one string; every text in it goes through `esc`.
 * Coordinates are rounded to tenths of a unit.
 */
function postureSvg(d: PostureData, g: ChartGeometry, withPoints: boolean, asLatin1: boolean): string {
  const { window, offset, series, visible, totals, uppers, label } = d;
  const { w: W, h: H, m: M } = g;
  const n = window.length;
  const ticks = niceTicks(Math.max(0, ...totals), g.ySteps);
  const yMax = ticks[ticks.length - 1];
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  // x of a window index; series index i sits at window index offset + i.
  const xw = (i: number) => M.left + (n <= 1 ? plotW / 2 : (i * plotW) / (n - 1));
  const y = (v: number) => M.top + plotH - (v / yMax) * plotH;
  const fmt = (v: number) => Math.round(v * 10) / 10;
  // A count's y in tenths, once per distinct count (bands repeat their edges from day to day).
  const ytOf = new Map<number, number>();
  const yt = (v: number) => {
    let t = ytOf.get(v);
    if (t === undefined) ytOf.set(v, (t = Math.round(y(v) * 10)));
    return t;
  };

  // Up to 90 days, a point (with its tooltip) per day; longer windows get one per week, counted
  // back from the last day, so the 365-day page is not 1,460 points (220 KiB) while the
  // area and line still follow every day.
  const pointEvery = n > 90 ? 7 : 1;
  const pointCount = series.length === 0 ? 0 : Math.floor((series.length - 1) / pointEvery) + 1;
  const slot = (n <= 1 ? plotW : plotW / (n - 1)) * pointEvery;
  const places = dayPlaces(g, n, slot);

  // Day labels at most g.xLabels, evenly spaced, the last day always labelled; a label too close
  // to the last one gives way (5 characters of 12-unit text are about 40 units wide).
  const labelEvery = Math.max(1, Math.ceil((n - 1) / Math.max(1, g.xLabels - 1)));
  const xLabels = window.map((p, i) => ({ i, day: p.day })).filter(({ i }) => i % labelEvery === 0 || i === n - 1);
  const minGap = 48 / (n <= 1 ? 1 : plotW / (n - 1));
  if (xLabels.length >= 2 && xLabels[xLabels.length - 1].i - xLabels[xLabels.length - 2].i < Math.max(labelEvery / 2, minGap)) {
    xLabels.splice(xLabels.length - 2, 1); // keep the last day's label, drop a crowded neighbour
  }

  // Texts above ASCII as UTF-8 in latin1 when asked (postureChartUtf8): the drawing is then one-byte.
  const text = asLatin1 ? utf8AsLatin1 : (t: string) => t;
  const dash = text('—');
  const l = text(esc(label));
  let out = `<svg class="${withPoints ? 'posture-chart wide' : 'posture-chart compact'}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${l}" preserveAspectRatio="xMidYMid meet"${withPoints ? ` data-points="${pointCount}"` : ''}><title>${l}</title><g class="grid">`;
  for (const t of ticks) {
    const ty = fmt(y(t));
    out += `<g><line x1="${M.left}" x2="${W - M.right}" y1="${ty}" y2="${ty}"></line><text x="${M.left - 8}" y="${ty + 4}" class="tick y">${t}</text></g>`;
  }
  for (const { i, day } of xLabels) out += `<text x="${places.xText[i]}" y="${H - 8}" class="tick x${i === 0 ? ' start' : i === n - 1 ? ' end' : ''}">${text(esc(day.slice(5)))}</text>`;
  out += '</g>';
  if (series.length > 0) {
    // The bands' edges as paths of relative steps between the points that are not inside a level
    // run: the same lines and areas as every day's point joined, in about half the markup
    // (posture holds level between scans). A band's lower edge is the band below's upper edge
    // (zero under the first), drawn backwards.
    const xt = offset === 0 ? places.xt : places.xt.slice(offset);
    let lower = bandEdge(xt, series.map(() => yt(0)));
    visible.forEach((s, k) => {
      const top = bandEdge(xt, uppers[k].map(yt));
      const start = `M${tenths(top.x[0])},${tenths(top.y[0])}`;
      const line = edgeSteps(top, false);
      const down = top.y[top.y.length - 1] === lower.y[lower.y.length - 1] ? '' : `v${tenths(lower.y[lower.y.length - 1] - top.y[top.y.length - 1])}`;
      out += `<g class="band sev-${s}"><path class="area" d="${start}${line}${down}${edgeSteps(lower, true)}Z"></path><path class="line" d="${start}${line}"></path></g>`;
      lower = top;
    });
  }
  if (withPoints && pointCount > 0) {
    // The dots where a band's edge moves (or its count does), and on the first and last day: drawn
    // only, no tooltip (the day's column below has it for every severity).
    visible.forEach((s, k) => {
      const upper = uppers[k];
      let dots = '';
      for (let i = (series.length - 1) % pointEvery; i < series.length; i += pointEvery) {
        const prev = i - pointEvery;
        if (i === series.length - 1 || prev < 0 || upper[prev] !== upper[i] || series[prev].counts[s] !== series[i].counts[s]) dots += `<circle cx="${places.xText[offset + i]}" cy="${tenths(yt(upper[i]))}" r="2.6"></circle>`;
      }
      out += `<g class="marks sev-${s}">${dots}</g>`;
    });
    // One hover target a day (a week beyond 90 days): a column the plot's height, with the day's
    // count of every visible severity in its data attributes and its tooltip. One title a day
    // instead of one a day and severity: a day's values read together, in a quarter of the markup.
    const column = `" y="${M.top}" width="${fmt(slot)}" height="${plotH}" data-day="`;
    let days = '';
    for (let i = (series.length - 1) % pointEvery; i < series.length; i += pointEvery) {
      const p = series[i];
      // Every value here is a number, a severity name or a YYYY-MM-DD day (checked): no markup.
      if (!DAY.test(p.day)) throw new Error(`PostureChart: "${p.day.slice(0, 20)}" is not a YYYY-MM-DD day`);
      let data = '';
      let title = '';
      for (const s of visible) {
        data += ` data-${s}="${p.counts[s]}"`;
        title += `${title === '' ? '' : ', '}${s}: ${p.counts[s]}`;
      }
      days += `<rect x="${places.columnText[offset + i]}${column}${p.day}"${data}><title>${p.day} ${dash} ${totals[i]} open${title === '' ? '' : ` (${title})`}</title></rect>`;
    }
    out += `<g class="days">${days}</g>`;
  }
  if (offset > 0) out += noData(M.left, xw(Math.min(offset, n - 1)), M.top, plotH, series.length > 0 ? `no scans before ${series[0].day}` : 'no scans in this period', text);
  if (series.length > 0 && visible.length === 0) out += `<text x="${fmt((xw(offset) + W - M.right) / 2)}" y="${H / 2}" class="empty">No open findings in this period</text>`;
  return `${out}</svg>`;
}

/** An edge's points (tenths of a unit) without those inside a level run (same y before and after): the same line. */
interface BandEdge {
  x: number[];
  y: number[];
}

function bandEdge(xt: number[], yt: number[]): BandEdge {
  const edge: BandEdge = { x: [], y: [] };
  const last = yt.length - 1;
  for (let i = 0; i <= last; i++) {
    if (i === 0 || i === last || yt[i - 1] !== yt[i] || yt[i + 1] !== yt[i]) {
      edge.x.push(xt[i]);
      edge.y.push(yt[i]);
    }
  }
  return edge;
}

/**
 * The path steps along an edge from its first point (`backwards`: from its last), each relative to
 * the one before: h for a level step, l otherwise. Steps of whole tenths add up to the very points
 * the absolute coordinates gave.
 */
function edgeSteps(edge: BandEdge, backwards: boolean): string {
  const { x, y } = edge;
  const n = x.length;
  const step = backwards ? -1 : 1;
  let out = '';
  for (let k = 1, i = backwards ? n - 1 : 0; k < n; k++, i += step) {
    const dx = x[i + step] - x[i];
    const dy = y[i + step] - y[i];
    out += dy === 0 ? `h${tenths(dx)}` : dy < 0 ? `l${tenths(dx)}${tenths(dy)}` : `l${tenths(dx)},${tenths(dy)}`;
  }
  return out;
}

/**
 * The grey region before the first snapshot, with its text centred in it, or starting at its left
 * edge when the region is narrower than the text (13-unit text is about 7 units a character).
 */
function noData(left: number, right: number, top: number, height: number, text: string, textOf: (t: string) => string): string {
  const fmt = (v: number) => Math.round(v * 10) / 10;
  const fits = right - left >= text.length * 7 + 8;
  return `<g class="no-data"><rect x="${left}" y="${top}" width="${fmt(Math.max(0, right - left))}" height="${height}"></rect><text x="${fits ? fmt((left + right) / 2) : left + 6}" y="${top + height / 2}" class="${fits ? 'empty' : 'empty start'}">${textOf(esc(text))}</text></g>`;
}

/** The x coordinates of an n-point sparkline as text, kept for the last n (every row of a page has the same n). */
let sparklineXCache: { n: number; xs: string[] } | undefined;
function sparklineXs(n: number, px: (i: number) => number): string[] {
  if (sparklineXCache?.n !== n) sparklineXCache = { n, xs: Array.from({ length: n }, (_, i) => String(Math.round(px(i) * 10) / 10)) };
  return sparklineXCache.xs;
}

/**
 * A small trend line of total open findings (overview table), coloured by direction, as markup (a
 * row of the overview is one string). A null value is a day before the service's first snapshot:
 * not drawn (no line at zero), the line starts later.
 */
export function sparklineHtml(values: (number | null)[], label: string): string {
  const w = 120;
  const h = 28;
  const pad = 3;
  const n = values.length;
  // One pass over the values (a page draws a hundred of these): the largest, the first and the last measured.
  let max = 1;
  let firstI = -1;
  let lastI = -1;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null) continue;
    if (firstI === -1) firstI = i;
    lastI = i;
    if (v > max) max = v;
  }
  const px = (i: number) => pad + (n <= 1 ? (w - 2 * pad) / 2 : (i * (w - 2 * pad)) / (n - 1));
  const py = (v: number) => h - pad - (v / max) * (h - 2 * pad);
  const first = firstI === -1 ? 0 : values[firstI]!;
  const last = lastI === -1 ? 0 : values[lastI]!;
  const direction = last > first ? 'up' : last < first ? 'down' : 'flat';
  // Numbers only, no markup: not escaped. The label (it carries a service name) is.
  const xs = sparklineXs(n, px);
  let points = '';
  for (let i = firstI; i !== -1 && i <= lastI; i++) {
    const v = values[i];
    if (v === null) continue;
    points += `${i === firstI ? '' : ' '}${xs[i]},${Math.round(py(v) * 10) / 10}`;
  }
  const end = lastI !== -1 ? `<circle cx="${Math.round(px(lastI) * 10) / 10}" cy="${Math.round(py(last) * 10) / 10}" r="2.5" data-count="${last}"></circle>` : '';
  const l = esc(label);
  return `<svg class="sparkline trend-${direction}" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${l}"><title>${l}</title>${firstI !== lastI ? `<polyline points="${points}"></polyline>` : ''}${end}</svg>`;
}

/** The remediation trend's shape (see RemediationTrendSchema in src/report/read-api.ts). */
interface RemediationSeries {
  from: string;
  to: string;
  /** First snapshot of any service: days before it have no breach count (null), weeks before it no bar. */
  firstSnapshotDay: string | null;
  days: { day: string; breaches: number | null; fixed: number }[];
  weeks: { from: string; to: string; fixed: number; meanDays: number | null; medianDays: number | null }[];
}

// Small charts: a narrow viewBox, so the text stays legible from a 390 px phone (about 0.9x) to a
// desktop panel (at most 1.35x, see .mini-chart's max-width).
const MW = 360;
const MH = 150;
const MM = { top: 16, right: 10, bottom: 24, left: 30 };

/** The shaded region of a small chart before the first snapshot, its text inside it when it fits. */
function miniNoData(left: number, right: number, top: number, height: number, text: string) {
  const f1 = (v: number) => Math.round(v * 10) / 10;
  const fits = right - left >= text.length * 6 + 8;
  return (
    <g class="no-data">
      <rect x={f1(left)} y={top} width={f1(Math.max(0, right - left))} height={height} />
      {fits ? (
        <text x={f1((left + right) / 2)} y={f1(top + height / 2)} class="empty">
          {text}
        </text>
      ) : null}
    </g>
  );
}

/**
 * The portfolio's remediation over 13 weeks, two small charts side by side: open findings past
 * their SLA at the end of each day (an area; each day has a hover target with its value), and the
 * median days to remediate of each week's fixes (a bar a week, its value above it, the mean and the
 * number of fixes in its tooltip). A sentence under each says what it shows in words.
 */
export const RemediationCharts: FC<{ trend: RemediationSeries }> = ({ trend }) => {
  const n = trend.days.length;
  const plotW = MW - MM.left - MM.right;
  const plotH = MH - MM.top - MM.bottom;
  const f1 = (v: number) => Math.round(v * 10) / 10;
  // Days before the first snapshot of any service are not drawn (not a zero): shaded, like the posture chart.
  const firstKnown = trend.days.findIndex((d) => d.breaches !== null);
  const known = (firstKnown === -1 ? [] : trend.days.slice(firstKnown)) as { day: string; breaches: number; fixed: number }[];
  const breachTicks = niceTicks(Math.max(0, ...known.map((d) => d.breaches)), 3);
  const breachMax = breachTicks[breachTicks.length - 1];
  const bx = (i: number) => MM.left + (n <= 1 ? plotW / 2 : (i * plotW) / (n - 1));
  const by = (v: number) => MM.top + plotH - (v / breachMax) * plotH;
  const line = known.map((d, i) => `${f1(bx(firstKnown + i))},${f1(by(d.breaches))}`);
  const today = known[known.length - 1];
  const first = known[0];
  const peak = known.reduce((a, d) => (d.breaches > a.breaches ? d : a), first ?? { day: '', breaches: 0, fixed: 0 });
  const dayLabels = n > 0 ? [0, Math.round((n - 1) / 3), Math.round((2 * (n - 1)) / 3), n - 1] : [];
  const slot = n <= 1 ? plotW : plotW / (n - 1);

  const weeks = trend.weeks;
  const wn = weeks.length;
  const mttrTicks = niceTicks(Math.max(0, ...weeks.map((w) => w.medianDays ?? 0)), 3);
  const mttrMax = mttrTicks[mttrTicks.length - 1];
  const band = wn > 0 ? plotW / wn : plotW;
  const barW = Math.max(4, band * 0.62);
  const wx = (i: number) => MM.left + i * band + (band - barW) / 2;
  const wy = (v: number) => MM.top + plotH - (v / mttrMax) * plotH;
  const firstWeek = trend.firstSnapshotDay === null ? wn : weeks.findIndex((w) => w.to >= trend.firstSnapshotDay!);
  const weeksBefore = firstWeek === -1 ? wn : firstWeek;
  const labelEvery = wn > 7 ? 3 : 1;
  const lastWeek = weeks[wn - 1];
  const fixedTotal = weeks.reduce((a, w) => a + w.fixed, 0);
  const axis = (ticks: number[], y: (v: number) => number) =>
    ticks.map((t) => (
      <g>
        <line x1={MM.left} x2={MW - MM.right} y1={f1(y(t))} y2={f1(y(t))} />
        <text x={MM.left - 5} y={f1(y(t)) + 4} class="tick y">
          {String(Math.round(t * 10) / 10)}
        </text>
      </g>
    ));

  return (
    <div class="panels remediation">
      <figure class="panel mini-chart" data-chart="sla-breaches">
        <h3>Open findings past their SLA</h3>
        <svg class="mini" viewBox={`0 0 ${MW} ${MH}`} role="img" aria-label={first ? `Open findings past their SLA per day from ${first.day} to ${trend.to}: ${first.breaches} on ${first.day}, ${today.breaches} now, at most ${peak.breaches}` : 'Open findings past their SLA: no snapshot yet'} data-days={String(n)}>
          <g class="grid">{axis(breachTicks, by)}</g>
          {firstKnown !== 0 && n > 0 ? miniNoData(MM.left, firstKnown === -1 ? MW - MM.right : bx(firstKnown), MM.top, plotH, first ? `no scans before ${first.day.slice(5)}` : 'no scans yet') : null}
          {first ? (
            <g class="breaches">
              <path class="area" d={`M${f1(bx(firstKnown))},${f1(by(0))}L${line.join('L')}L${f1(bx(n - 1))},${f1(by(0))}Z`} />
              <polyline class="line" points={line.join(' ')} />
              <circle cx={f1(bx(n - 1))} cy={f1(by(today.breaches))} r="3" data-day={today.day} data-breaches={String(today.breaches)} />
            </g>
          ) : null}
          {dayLabels.map((i) => (
            <text x={f1(bx(i))} y={MH - 7} class={`tick x${i === 0 ? ' start' : i === n - 1 ? ' end' : ''}`}>
              {trend.days[i].day.slice(5)}
            </text>
          ))}
          <g class="hits">
            {trend.days.map((d, i) => (
              <rect x={f1(bx(i) - slot / 2)} y={MM.top} width={f1(slot)} height={plotH} data-day={d.day} data-breaches={d.breaches === null ? '' : String(d.breaches)}>
                <title>{d.breaches === null ? `${d.day}: no scan yet` : `${d.day}: ${d.breaches} open past SLA, ${d.fixed} fixed`}</title>
              </rect>
            ))}
          </g>
        </svg>
        <figcaption class="small muted">
          Per day, last {n} days: <strong>{today?.breaches ?? 0}</strong> now{first ? `, ${first.breaches} on ${first.day}${first.day !== trend.from ? ' (the first snapshot)' : ''}` : ''}
          {peak.breaches > 0 ? `, highest ${peak.breaches} on ${peak.day}` : ''}. Suppressed and triaged findings are left out, as they stand today.
        </figcaption>
      </figure>
      <figure class="panel mini-chart" data-chart="mttr">
        <h3>Days to remediate (median per week)</h3>
        <svg class="mini" viewBox={`0 0 ${MW} ${MH}`} role="img" aria-label={`Median days to remediate per week from ${trend.from} to ${trend.to}${lastWeek ? `; last week ${lastWeek.medianDays === null ? 'no fix' : `${lastWeek.medianDays} days over ${lastWeek.fixed} fixes`}` : ''}`} data-weeks={String(wn)}>
          <g class="grid">{axis(mttrTicks, wy)}</g>
          {weeksBefore > 0 ? miniNoData(MM.left, MM.left + weeksBefore * band, MM.top, plotH, weeksBefore === wn ? 'no scans yet' : 'no scans') : null}
          {weeks.map((w, i) => (
            i < weeksBefore ? null : (
            <g class="week-bar" data-week={w.to} data-median={w.medianDays === null ? '' : String(w.medianDays)} data-fixed={String(w.fixed)}>
              {w.medianDays === null ? (
                <text x={f1(wx(i) + barW / 2)} y={f1(wy(0)) - 3} class="bar-value none">
                  –
                </text>
              ) : (
                <>
                  <rect x={f1(wx(i))} y={f1(wy(w.medianDays))} width={f1(barW)} height={f1(Math.max(1, wy(0) - wy(w.medianDays)))} />
                  <text x={f1(wx(i) + barW / 2)} y={f1(wy(w.medianDays)) - 3} class="bar-value">
                    {w.medianDays >= 10 ? String(Math.round(w.medianDays)) : String(w.medianDays)}
                  </text>
                </>
              )}
              <title>{`${w.from} to ${w.to}: ${w.fixed} fixed${w.medianDays === null ? '' : `, median ${countOf(w.medianDays, 'day')}, mean ${countOf(w.meanDays ?? 0, 'day')}`}`}</title>
            </g>
          )))}
          {weeks.map((w, i) =>
            (wn - 1 - i) % labelEvery === 0 ? (
              <text x={f1(wx(i) + barW / 2)} y={MH - 7} class="tick x">
                {w.to.slice(5)}
              </text>
            ) : null,
          )}
        </svg>
        <figcaption class="small muted">
          Median days open of the findings fixed each week (ending on the date shown); {fixedTotal} fixed in {countOf(wn, 'week')}
          {lastWeek && lastWeek.medianDays !== null ? `; the last week: median ${lastWeek.medianDays}, mean ${countOf(lastWeek.meanDays ?? 0, 'day')} over ${countOf(lastWeek.fixed, 'fix', 'fixes')}` : '; none in the last week'}.
        </figcaption>
      </figure>
    </div>
  );
};
