// The report formats the CLI writes, each rendered by its reporter (src/reporters/*).
import type { ScanReport } from '../report/scan-report.js';
import { renderJson } from '../reporters/json.js';
import { renderMarkdown } from '../reporters/markdown.js';
import { toSarif } from '../reporters/sarif.js';
import { renderText } from '../reporters/text.js';

export const REPORT_FORMATS = ['text', 'json', 'sarif', 'markdown'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** File names under `--output-dir`. */
export const REPORT_FILE_NAMES: Record<ReportFormat, string> = {
  text: 'gatehouse-report.txt',
  json: 'gatehouse-report.json',
  sarif: 'gatehouse-report.sarif',
  markdown: 'gatehouse-report.md',
};

export function renderReport(report: ScanReport, format: ReportFormat, opts: { color: boolean }): string {
  switch (format) {
    case 'text':
      return ensureNewline(renderText(report, { color: opts.color }));
    case 'json':
      return renderJson(report);
    case 'sarif':
      return `${JSON.stringify(toSarif(report), null, 2)}\n`;
    case 'markdown':
      return ensureNewline(renderMarkdown(report, {}));
  }
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
