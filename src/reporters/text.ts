// The CLI summary printed after a scan (the engine prints per-scanner progress lines as they run):
// scanners with timings, counts per service and severity, the top findings, and the gate decision
// with its reasons. ANSI colour only when asked (the CLI passes `color: stdout.isTTY`).
import type { Finding, Severity } from '../findings/finding.js';
import { scrubSecrets } from '../findings/redact.js';
import { neutraliseInvisibleText } from '../report/invisible-text.js';
import { describeFinding, describeLocation, describeFix, describeSecret } from '../gate/describe.js';
import type { ScanReport } from '../report/scan-report.js';
import { describeStep } from '../remediation/plan.js';
import { coverageGapNotice, renderCoverageText } from './coverage.js';
import { COLUMN_LABELS, COUNT_COLUMNS, countRows, describeExploitation, describeFeeds, formatDuration, partScopeNote, missingBaselineMatters, shortError, sortForReport, triagedOnDashboard } from './summary.js';

export interface TextOptions {
  color: boolean;
  /** How many findings the "Top findings" list shows (default 10). */
  top?: number;
}

const ANSI = { reset: '\x1b[0m', bold: '\x1b[1m', dim: '\x1b[2m', red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', blue: '\x1b[34m', magenta: '\x1b[35m' };
type Style = keyof typeof ANSI;

const SEVERITY_STYLE: Record<Severity, Style> = { critical: 'magenta', high: 'red', medium: 'yellow', low: 'blue', info: 'dim', unknown: 'yellow' };

/**
 * Tool text on a terminal: secrets masked, control characters (ANSI escapes that could repaint the
 * screen or fake a "passed" line, newlines) replaced by spaces, bidi controls and zero-width
 * characters (which reorder or hide what a reader sees) shown as `[U+202E]`.
 */
export function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return neutraliseInvisibleText(scrubSecrets(text).replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' '));
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

export function renderText(report: ScanReport, opts: TextOptions): string {
  const paint = (style: Style, text: string) => (opts.color ? `${ANSI[style]}${text}${ANSI.reset}` : text);
  const lines: string[] = [];
  const top = opts.top ?? 10;

  // Scanners: one row per scanner and outcome, its services listed (a repository-wide run, or a
  // tool missing everywhere, is one row). A failure is named in a few words; the full text, with
  // the install hint, is in the gate's reasons below.
  lines.push(paint('bold', 'Scanners'));
  const scannerTable = scannerRows(report.scanners);
  const scannerWidth = Math.max(8, ...scannerTable.map((r) => r.scanner.length));
  const servicesWidth = Math.min(40, Math.max(8, ...scannerTable.map((r) => r.services.length)));
  for (const row of scannerTable) {
    const mark = row.status === 'error' ? paint('red', 'x ') : paint('green', 'ok');
    const what =
      row.status === 'error'
        ? paint('red', `error: ${terminalSafe(shortError(row.error ?? 'unknown error'))}`)
        : `${row.findingCount} finding${row.findingCount === 1 ? '' : 's'}${row.status === 'imported' ? ' (imported)' : ''}`;
    lines.push(`  ${mark} ${pad(terminalSafe(row.scanner), scannerWidth)}  ${pad(terminalSafe(row.services), servicesWidth)}  ${pad(formatDuration(row.durationMs), 8)} ${what}`);
    for (const e of row.toolErrors.slice(0, 3)) lines.push(`       ${paint('yellow', `tool reported: ${terminalSafe(e)}`)}`);
  }
  if (report.scanners.length === 0) lines.push('  (no scanners ran)');

  // Counts per service and severity.
  lines.push('', paint('bold', 'Findings'));
  const scope = partScopeNote(report);
  if (scope) lines.push(paint('yellow', `  ${terminalSafe(scope)}`));
  if (missingBaselineMatters(report)) {
    lines.push(paint('yellow', '  No baseline scan was available: findings in changed files count as new, the rest as existing.'));
  }
  const rows = countRows(report);
  if (rows.length === 0) {
    lines.push('  none');
  } else {
    const header = ['service', 'severity', ...COUNT_COLUMNS.map((c) => COLUMN_LABELS[c].toLowerCase())];
    const table = rows.map((r) => [terminalSafe(r.service), r.severity, ...COUNT_COLUMNS.map((c) => String(r.counts[c]))]);
    const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
    lines.push(`  ${header.map((h, i) => pad(h, widths[i]!)).join('  ')}`);
    for (const [i, row] of table.entries()) {
      const severity = rows[i]!.severity;
      lines.push(`  ${row.map((cell, j) => (j === 1 ? paint(SEVERITY_STYLE[severity], pad(cell, widths[j]!)) : pad(cell, widths[j]!))).join('  ')}`);
    }
  }

  // Top findings (not suppressed): introduced first, worst first.
  const shown = sortForReport(report.findings.filter((f) => f.status !== 'suppressed'));
  if (shown.length > 0) {
    lines.push('', paint('bold', `Top findings (${Math.min(top, shown.length)} of ${shown.length})`));
    for (const f of shown.slice(0, top)) lines.push(...findingLines(f, paint));
  }

  // Triage decisions from the dashboard the gate obeyed (`--dashboard`): why a finding did not count, who decided, until when.
  const triaged = sortForReport(triagedOnDashboard(report));
  if (triaged.length > 0) {
    lines.push('', paint('bold', `Triaged on the dashboard (${triaged.length}; the gate does not count them)`));
    for (const f of triaged.slice(0, top)) {
      const s = f.suppression!;
      lines.push(`  ${paint(SEVERITY_STYLE[f.severity], pad(f.severity.toUpperCase(), 8))} ${pad(terminalSafe(f.service), 10)} ${terminalSafe(describeFinding(f))}`);
      const decided = `decided by ${s.decidedBy ?? 'unknown'}${s.owner ? `, owner ${s.owner}` : ''}${s.expires ? `, until ${s.expires}` : ''}`;
      lines.push(`           ${paint('dim', terminalSafe(`${s.reason ?? ''} | ${decided}`))}`);
    }
    if (triaged.length > top) lines.push(`  ... and ${triaged.length - top} more (the JSON report lists them)`);
  }

  // Coverage: what was and was not read.
  const coverage = renderCoverageText(report, terminalSafe);
  if (coverage.length > 0) {
    lines.push('', paint('bold', 'Coverage'));
    for (const line of coverage) lines.push(`  ${line}`);
  }

  // Remediation plan: the upgrades that clear the most risk.
  const steps = report.remediation ?? [];
  if (steps.length > 0) {
    lines.push('', paint('bold', `Upgrades (${Math.min(top, steps.length)} of ${steps.length})`));
    for (const s of steps.slice(0, top)) lines.push(`  ${pad(terminalSafe(s.service), 10)} ${terminalSafe(describeStep(s))}`);
  }

  // Exploitation feeds: where the KEV/EPSS data came from and how old it is, or why it is missing.
  const feeds = describeFeeds(report);
  if (feeds.length > 0) {
    lines.push('', paint('bold', 'Exploitation data'));
    for (const line of feeds) lines.push(`  ${line.includes('unavailable') ? paint('yellow', terminalSafe(line)) : terminalSafe(line)}`);
    for (const note of report.enrichment?.notes ?? []) lines.push(`  ${paint('yellow', 'note:')} ${terminalSafe(note)}`);
  }

  // Decision.
  const gate = report.gate;
  lines.push('');
  const gapNotice = coverageGapNotice(report);
  if (gapNotice) lines.push(paint('yellow', terminalSafe(gapNotice)));
  // A folder's scan (a monorepo's job per folder) names it: its verdict is not the repository's.
  const folder = report.source.root ? ` for the folder ${terminalSafe(report.source.root)}` : '';
  if (gate.passed) lines.push(paint('green', paint('bold', `Gate passed${folder}`)));
  else if (gate.outcome === 'scanner-error') lines.push(paint('red', paint('bold', `Gate failed${folder}: a scanner could not run`)));
  else lines.push(paint('red', paint('bold', `Gate failed${folder}`)));
  for (const r of gate.reasons) lines.push(`  - ${terminalSafe(r.message)}`);
  for (const w of gate.warnings) lines.push(`  ${paint('yellow', 'warning:')} ${terminalSafe(w)}`);
  return `${lines.join('\n')}\n`;
}

interface ScannerRow {
  scanner: string;
  status: ScanReport['scanners'][number]['status'];
  services: string;
  durationMs: number;
  findingCount: number;
  error?: string;
  toolErrors: string[];
}

/** Runs folded by scanner, outcome, error and tool notes; services joined, the longest time, findings summed. */
function scannerRows(runs: ScanReport['scanners']): ScannerRow[] {
  const rows = new Map<string, ScannerRow & { names: string[] }>();
  for (const run of runs) {
    const key = JSON.stringify([run.scanner, run.status, run.error ?? '', run.toolErrors]);
    const row = rows.get(key) ?? { scanner: run.scanner, status: run.status, services: '', names: [], durationMs: 0, findingCount: 0, ...(run.error ? { error: run.error } : {}), toolErrors: run.toolErrors };
    rows.set(key, row);
    row.names.push(run.service);
    row.durationMs = Math.max(row.durationMs, run.durationMs);
    row.findingCount += run.findingCount;
  }
  return [...rows.values()].map(({ names, ...row }) => ({ ...row, services: names.join(', ') }));
}

function findingLines(f: Finding, paint: (style: Style, text: string) => string): string[] {
  const status = f.status === 'introduced' ? 'new' : f.status;
  const exploitation = describeExploitation(f);
  const tools = f.tools ? ` (${f.tools.join(' + ')})` : '';
  const head = `  ${paint(SEVERITY_STYLE[f.severity], pad(f.severity.toUpperCase(), 8))} ${pad(terminalSafe(f.service), 10)} ${terminalSafe(describeFinding(f))} [${status}]${exploitation ? ` ${paint('red', `[${exploitation}]`)}` : ''}${terminalSafe(tools)}`;
  const where = describeLocation(f);
  const fix = describeFix(f);
  const title = f.title && !f.title.startsWith(f.ruleId) ? terminalSafe(f.title) : '';
  const secret = describeSecret(f);
  const detail = [title, where && !describeFinding(f).includes(where) ? terminalSafe(where) : '', secret ? terminalSafe(secret) : '', fix && !f.location.package ? `fix: ${terminalSafe(fix)}` : '']
    .filter(Boolean)
    .join(' | ');
  return detail ? [head, `           ${paint('dim', detail)}`] : [head];
}
