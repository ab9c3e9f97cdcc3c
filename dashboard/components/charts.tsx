// Server-rendered SVG charts. SVG keeps the CSP strict (no script, colours from CSS classes) and the
// pages readable without JavaScript. Every data point is a <circle> with data-day / data-count and a
// <title> tooltip, so browsers show the value on hover and tests can count the points (one a day up
// to 90 days, one a week beyond).
import { html, raw } from 'hono/html';
import type { FC } from 'hono/jsx';
import type { Severity } from '../../src/findings/finding.js';
import { SEVERITY_ORDER } from '../../src/findings/severity.js';
import { fullCounts, totalCount, type SeverityCounts } from './severity.js';

export interface PosturePoint {
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
  const byDay = new Map(points.map((p) => [p.day, fullCounts(p.counts)]));
  const sorted = [...points].sort((a, b) => a.day.localeCompare(b.day));
  let carry: SeverityCounts | null = null;
  // Start from the last known point before the window, if any.
  for (const p of sorted) if (p.day < from) carry = fullCounts(p.counts);
  const out: ChartDay[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS) {
    const day = new Date(t).toISOString().slice(0, 10);
    carry = byDay.get(day) ?? carry;
    out.push({ day, counts: carry });
  }
  return out;
}

/** A round axis maximum (1, 2, 5 x 10^n) at or above `value`. */
export function niceCeiling(value: number): number {
  if (value <= 0) return 4;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

const W = 960;
const H = 280;
const M = { top: 14, right: 18, bottom: 30, left: 46 };

/**
 * Stacked areas of open findings per severity over days (critical at the bottom, where the eye
 * lands first), with a line and data points on the top edge of each band.
 */
export const PostureChart: FC<{ series: ChartDay[]; label: string }> = ({ series: window, label }) => {
  const n = window.length;
  // Known days form one run at the end of the window (carried forward after the first snapshot).
  const firstKnown = window.findIndex((p) => p.counts !== null);
  const offset = firstKnown === -1 ? n : firstKnown;
  const series = window.slice(offset) as { day: string; counts: SeverityCounts }[];
  const visible = SEVERITY_ORDER.filter((s) => series.some((p) => p.counts[s] > 0));
  const totals = series.map((p) => totalCount(p.counts));
  const maxTotal = Math.max(0, ...totals);
  const yMax = niceCeiling(maxTotal);
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  // x of a window index; series index i sits at window index offset + i.
  const xw = (i: number) => M.left + (n <= 1 ? plotW / 2 : (i * plotW) / (n - 1));
  const x = (i: number) => xw(offset + i);
  const y = (v: number) => M.top + plotH - (v / yMax) * plotH;
  const fmt = (v: number) => Math.round(v * 10) / 10;

  // Cumulative lower/upper edge of each visible severity band, per day.
  const bands = new Map<Severity, { lower: number[]; upper: number[] }>();
  const running = series.map(() => 0);
  for (const s of visible) {
    const lower = [...running];
    series.forEach((p, i) => (running[i] += p.counts[s]));
    bands.set(s, { lower, upper: [...running] });
  }

  // Up to 90 days, a point (with its tooltip) per day; longer windows get one per week, counted
  // back from the last day, so the 365-day page is not 1,460 points (220 KiB) while the
  // area and line still follow every day.
  const pointEvery = n > 90 ? 7 : 1;
  const pointCount = series.length === 0 ? 0 : Math.floor((series.length - 1) / pointEvery) + 1;

  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => Math.round(yMax * f * 100) / 100);
  const labelEvery = Math.max(1, Math.ceil(n / 7));
  const xLabels = window.map((p, i) => ({ i, day: p.day })).filter(({ i }) => i % labelEvery === 0 || i === n - 1);
  if (xLabels.length >= 2 && xLabels[xLabels.length - 1].i - xLabels[xLabels.length - 2].i < labelEvery / 2) {
    xLabels.splice(xLabels.length - 2, 1); // keep the last day's label, drop a crowded neighbour
  }

  return (
    <figure class="chart">
      <svg
        class="posture-chart"
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={label}
        preserveAspectRatio="xMidYMid meet"
        data-points={String(pointCount * visible.length)}
      >
        <title>{label}</title>
        <g class="grid">
          {ticks.map((t) => (
            <g>
              <line x1={M.left} x2={W - M.right} y1={fmt(y(t))} y2={fmt(y(t))} />
              <text x={M.left - 8} y={fmt(y(t)) + 4} class="tick y">
                {String(t)}
              </text>
            </g>
          ))}
          {xLabels.map(({ i, day }) => (
            <text x={fmt(xw(i))} y={H - 8} class="tick x">
              {day.slice(5)}
            </text>
          ))}
        </g>
        {visible.map((s) => {
          const b = bands.get(s)!;
          const top = b.upper.map((v, i) => `${fmt(x(i))},${fmt(y(v))}`);
          const bottom = b.lower.map((v, i) => `${fmt(x(i))},${fmt(y(v))}`).reverse();
          return (
            <g class={`band sev-${s}`}>
              <path class="area" d={`M${top.join('L')}L${bottom.join('L')}Z`} />
              <polyline class="line" points={top.join(' ')} />
            </g>
          );
        })}
        {visible.map((s) => {
          const b = bands.get(s)!;
          // Thousands of points on a year's chart, built as one string: every value in it is a
          // number, a severity name or a YYYY-MM-DD day (checked), none of which can carry markup,
          // so raw() is safe and skips escaping each of them (4x faster than the html tag).
          let points = '';
          for (let i = (series.length - 1) % pointEvery; i < series.length; i += pointEvery) {
            const p = series[i];
            if (!DAY.test(p.day)) throw new Error(`PostureChart: "${p.day.slice(0, 20)}" is not a YYYY-MM-DD day`);
            const count = p.counts[s];
            points += `<circle cx="${fmt(x(i))}" cy="${fmt(y(b.upper[i]))}" r="2.6" data-day="${p.day}" data-severity="${s}" data-count="${count}"><title>${p.day} — ${s}: ${count} open (all severities: ${totals[i]})</title></circle>`;
          }
          return raw(`<g class="points sev-${s}">${points}</g>`);
        })}
        {offset > 0 ? (
          <g class="no-data">
            <rect x={M.left} y={M.top} width={fmt(Math.max(0, xw(Math.min(offset, n - 1)) - M.left))} height={plotH} />
            <text x={fmt((M.left + xw(Math.min(offset, n - 1))) / 2)} y={M.top + plotH / 2} class="empty">
              {series.length > 0 ? `no scans before ${series[0].day}` : 'no scans in this period'}
            </text>
          </g>
        ) : null}
        {series.length > 0 && visible.length === 0 ? (
          <text x={fmt((xw(offset) + W - M.right) / 2)} y={H / 2} class="empty">
            No open findings in this period
          </text>
        ) : null}
      </svg>
      <figcaption class="legend">
        {SEVERITY_ORDER.filter((s) => visible.includes(s) || s === 'critical' || s === 'high').map((s) => (
          <span class="legend-item">
            <span class={`swatch sev-${s}`}></span>
            {s} <strong>{series.length > 0 ? series[series.length - 1].counts[s] : 0}</strong>
          </span>
        ))}
        {series.length > 0 ? <span class="legend-note">open on {series[series.length - 1].day}</span> : null}
      </figcaption>
    </figure>
  );
};

/**
 * A small trend line of total open findings (overview table), coloured by direction. A null value is
 * a day before the service's first snapshot: not drawn (no line at zero), the line starts later.
 */
export const Sparkline: FC<{ values: (number | null)[]; label: string }> = ({ values, label }) => {
  const w = 120;
  const h = 28;
  const pad = 3;
  const measured = values.flatMap((v, i) => (v === null ? [] : [{ v, i }]));
  const max = Math.max(1, ...measured.map((p) => p.v));
  const n = values.length;
  const px = (i: number) => pad + (n <= 1 ? (w - 2 * pad) / 2 : (i * (w - 2 * pad)) / (n - 1));
  const py = (v: number) => h - pad - (v / max) * (h - 2 * pad);
  const first = measured.length > 0 ? measured[0].v : 0;
  const lastPoint = measured.length > 0 ? measured[measured.length - 1] : undefined;
  const last = lastPoint?.v ?? 0;
  const direction = last > first ? 'up' : last < first ? 'down' : 'flat';
  const points = measured.map((p) => `${Math.round(px(p.i) * 10) / 10},${Math.round(py(p.v) * 10) / 10}`).join(' ');
  const end = lastPoint ? html`<circle cx="${Math.round(px(lastPoint.i) * 10) / 10}" cy="${Math.round(py(last) * 10) / 10}" r="2.5" data-count="${last}"></circle>` : '';
  // `html` escapes every value (the label carries a service name); used for speed on the overview.
  return html`<svg class="sparkline trend-${direction}" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${label}"><title>${label}</title>${measured.length > 1 ? html`<polyline points="${points}"></polyline>` : ''}${end}</svg>`;
};
