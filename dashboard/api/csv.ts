// CSV export of finding rows (RFC 4180 quoting). Cells that a spreadsheet would run as a formula
// (= + - @ tab CR at the start) get a leading apostrophe: tool-provided text is untrusted.
import type { FindingRow } from '../store/types.js';

export const CSV_COLUMNS = [
  'service', 'fingerprint', 'severity', 'state', 'tool', 'category', 'ruleId', 'title', 'where',
  'fixAvailable', 'suppressed', 'firstSeenAt', 'openedAt', 'lastSeenAt', 'fixedAt', 'ageDays', 'slaBreached',
] as const satisfies readonly (keyof FindingRow)[];

export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function findingsToCsv(rows: FindingRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) lines.push(CSV_COLUMNS.map((k) => csvCell(r[k])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
