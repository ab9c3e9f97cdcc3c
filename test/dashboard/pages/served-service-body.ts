// A service page's body as the server renders it for a view nobody rendered before, without a
// cache: the functions view-routes.tsx's serviceContent calls, in its order, with its slots, each
// piece's markup neutralised as its deflate does (invisible-text.ts). For tests and benches that
// want the served body at a clock of their own (a ClockReading passed as `at` collects when it
// changes); service-views.test.tsx checks it against the app's pages and the reference render.
import { neutralisedBytes, neutralisedUtf8 } from '../../../dashboard/components/invisible-text.js';
import { postureChartBytes, readServiceHead, scanTools, serviceHeadHtml, serviceScansHtml, serviceViewParts, type ServiceView } from '../../../dashboard/pages/page-bodies.js';
import type { ReadStore } from '../../../dashboard/store/types.js';

const CHART_SLOT = '<!--served-service-body:chart-->';
const ROWS_SLOT = '<!--served-service-body:rows-->';

/** `html` cut at its one `slot`. */
function slotted(html: string, slot: string): [string, string] {
  const parts = html.split(slot);
  if (parts.length !== 2) throw new Error(`${parts.length - 1} slots ${slot} in a service body`);
  return [parts[0], parts[1]];
}

/**
 * The body's pieces as UTF-8, in page order: the head, the view up to its chart, the chart (left out
 * with `chartKept`: a view of a page whose chart is kept reads and draws none), the view after it
 * with its rows, the recent scans.
 */
export async function servedServiceBodyPieces(store: ReadStore, name: string, view: ServiceView, at: Date, options: { chartKept?: boolean } = {}): Promise<Buffer[]> {
  // The chart's posture is read with the head when no chart is kept (view-routes.tsx serviceParts).
  const head = await readServiceHead(store, name, at, options.chartKept ? undefined : view.days);
  const [headHtml, scansHtml] = await Promise.all([serviceHeadHtml(head, at), serviceScansHtml(head, at)]);
  const chart = options.chartKept ? undefined : postureChartBytes(store, name, view.days, at, head.posture);
  const v = await serviceViewParts(store, name, view, at, scanTools(head.scans), { chart: CHART_SLOT, rows: ROWS_SLOT });
  const [beforeChart, afterChart] = slotted(v.html, CHART_SLOT);
  const table = afterChart.includes(ROWS_SLOT) ? slotted(afterChart, ROWS_SLOT) : undefined;
  const after = table ? neutralisedBytes(Buffer.concat([Buffer.from(table[0], 'utf8'), ...v.rows, Buffer.from(table[1], 'utf8')])) : neutralisedUtf8(afterChart);
  return [neutralisedUtf8(headHtml), neutralisedUtf8(beforeChart), ...(chart ? [neutralisedBytes(await chart)] : []), after, neutralisedUtf8(scansHtml)];
}

/** The served body as one text. */
export async function servedServiceBody(store: ReadStore, name: string, view: ServiceView, at: Date): Promise<string> {
  return Buffer.concat(await servedServiceBodyPieces(store, name, view, at)).toString('utf8');
}
