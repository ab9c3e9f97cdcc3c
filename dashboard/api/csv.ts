// CSV export of finding rows (RFC 4180 quoting). Cells that a spreadsheet would run as a formula get
// a leading apostrophe: tool-provided text is untrusted. Spreadsheets trim leading blanks (space,
// LF, NBSP, zero-width space, BOM) and read full-width = + - @ as the ASCII ones before deciding
// that a cell is a formula, so a cell starting with any of those is prefixed too.
import type { FindingRow } from '../store/types.js';

const CSV_COLUMNS = [
  'service', 'fingerprint', 'severity', 'state', 'tool', 'category', 'ruleId', 'title', 'where',
  'fixAvailable', 'suppressed', 'firstSeenAt', 'openedAt', 'lastSeenAt', 'fixedAt', 'ageDays', 'slaBreached',
] as const satisfies readonly (keyof FindingRow)[];

/**
 * Columns after the row's own, flattened (empty when not known): exploitation from `kev` and `epss`,
 * then the dashboard's triage decision in force (a decided row counts as a suppressed one does, yet
 * its `suppressed` cell says false: the decision is the dashboard's, not the scan's). Appended, so
 * a spreadsheet reading columns by position keeps reading the earlier ones.
 */
const CSV_EXTRA_COLUMNS: Record<string, (r: FindingRow) => unknown> = {
  slaDueAt: (r) => r.slaDueAt,
  kev: (r) => r.kev?.cve,
  kevDueDate: (r) => r.kev?.dueDate,
  kevRansomware: (r) => r.kev?.ransomware,
  epss: (r) => r.epss?.probability,
  epssPercentile: (r) => r.epss?.percentile,
  triage: (r) => r.triage?.status,
  triageUntil: (r) => r.triage?.expiresAt,
  triageBy: (r) => r.triage?.decidedBy,
};

const FORMULA_START = /^[=+\-@\t\r\n \u00a0\u200b\ufeff\uff1d\uff0b\uff0d\uff20]/;

export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function findingsToCsv(rows: FindingRow[]): string {
  const extra = Object.entries(CSV_EXTRA_COLUMNS);
  const lines = [[...CSV_COLUMNS, ...extra.map(([k]) => k)].join(',')];
  for (const r of rows) lines.push([...CSV_COLUMNS.map((k) => csvCell(r[k])), ...extra.map(([, get]) => csvCell(get(r)))].join(','));
  return `${lines.join('\r\n')}\r\n`;
}
