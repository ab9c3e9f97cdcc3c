// The PR comment body (and job summary): the decision and its reasons first, a table of new /
// newly disclosed / existing / fixed counts per service and severity, the new findings with their
// fix, the rest collapsed in <details>, suppressions needing attention and scanner errors.
//
// Two guarantees:
// - Size: never over `maxChars` (GitHub refuses comments over 65,536). A budget is spent in order:
//   decision and counts, then findings (new first) row by row, then "and N more" with a link.
// - Injection: every tool-provided text goes through `escapeMarkdown`, so a title cannot add HTML,
//   images, links, code, table cells or @mentions to the comment.
import type { Finding, Severity } from '../findings/finding.js';
import { coverageGapNotice, coverageLines } from './coverage.js';
import { scrubSecrets } from '../findings/redact.js';
import { describeFix, describeLocation } from '../gate/describe.js';
import type { ScanReport } from '../report/scan-report.js';
import { COLUMN_LABELS, countRows, sortBySeverity, type CountColumn } from './summary.js';

export const DEFAULT_MAX_CHARS = 65_000;

export interface MarkdownOptions {
  maxChars?: number;
  /** The full report (workflow run, dashboard scan page) for "and N more". */
  detailsUrl?: string;
  title?: string;
}

/** Longest tool text shown in one cell; the full text is in the SARIF/JSON report. */
const MAX_TEXT = 240;

const ZERO_WIDTH_SPACE = '&#8203;';

// The ASCII punctuation that means something inline in GitHub-flavoured markdown: code, emphasis,
// strikethrough, links and images, table cells, math. Backslash-escaping them is always allowed.
const BACKSLASH_ESCAPED = new Set('\\`*_[]()!|~$'.split(''));

/**
 * Makes tool-provided text inert in GitHub-flavoured markdown: secrets masked; control characters
 * and newlines flattened (no new blocks); & < > as entities (no HTML); inline punctuation
 * backslash-escaped (no emphasis, code, links, images, table cells, math) and a leading block
 * marker too; a zero-width space after "@" (no @mentions or team pings), after "#" (no issue
 * cross-references) and inside "://" and "www." (no autolinks). Long texts are cut at `maxLength`.
 */
export function escapeMarkdown(text: string, maxLength = MAX_TEXT): string {
  // eslint-disable-next-line no-control-regex
  let flat = scrubSecrets(text).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (flat.length > maxLength) flat = `${flat.slice(0, maxLength - 1)}…`;
  let out = '';
  for (let i = 0; i < flat.length; i++) {
    const ch = flat[i]!;
    if (ch === '&') out += '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (ch === '@') out += `@${ZERO_WIDTH_SPACE}`;
    else if (ch === '#') out += `\\#${ZERO_WIDTH_SPACE}`;
    else if (ch === ':' && flat.startsWith('//', i + 1)) out += `:${ZERO_WIDTH_SPACE}`;
    else if (BACKSLASH_ESCAPED.has(ch)) out += `\\${ch}`;
    else out += ch;
  }
  return (
    out
      // "www.example.com" autolinks without a scheme.
      .replace(/(www)\./gi, `$1${ZERO_WIDTH_SPACE}.`)
      // A list or thematic-break marker, or "1." / "1)", first in a list item would start a block
      // (# and > are already escaped or entities).
      .replace(/^([-+=*])/, '\\$1')
      .replace(/^(\d+)([.)])/, '$1\\$2')
  );
}

const SEVERITY_BADGE: Record<Severity, string> = {
  critical: '🟣 critical',
  high: '🔴 high',
  medium: '🟠 medium',
  low: '🟡 low',
  info: '⚪ info',
  unknown: '⚫ unknown',
};

/** Our own URL (not tool text): only http(s), and characters that could end the link encoded. */
function safeUrl(url: string | undefined): string | undefined {
  if (!url || !/^https?:\/\/[^\s]+$/i.test(url)) return undefined;
  return url.replace(/[()<>[\]"'`\\|]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** Collects parts while they fit; everything it returns is at most `limit` characters. */
class Budget {
  private parts: string[] = [];
  private used = 0;
  constructor(private readonly limit: number) {}
  get remaining(): number {
    return this.limit - this.used;
  }
  /** Adds the text if it fits within the limit minus `reserve`; says whether it did. */
  add(text: string, reserve = 0): boolean {
    if (this.used + text.length + reserve > this.limit) return false;
    this.parts.push(text);
    this.used += text.length;
    return true;
  }
  toString(): string {
    return this.parts.join('');
  }
}

function findingRow(f: Finding): string {
  const pkg = f.location.package;
  // trivy's fallback title is "<id> in <package>": no need to say it twice.
  const title = f.title && !f.title.startsWith(f.ruleId) ? ` ${escapeMarkdown(f.title)}` : '';
  const what = pkg
    ? `**${escapeMarkdown(f.ruleId, 80)}**${title}<br>${escapeMarkdown(`${pkg.name} ${pkg.version}`.trim(), 120)}`
    : `**${escapeMarkdown(f.ruleId, 120)}**${title}`;
  const where = describeLocation(f);
  const fix = describeFix(f);
  return `| ${SEVERITY_BADGE[f.severity]} | ${escapeMarkdown(f.service, 80)} | ${what} | ${where ? escapeMarkdown(where, 160) : ''} | ${fix ? escapeMarkdown(fix, 160) : ''} |\n`;
}

const FINDING_TABLE_HEAD = '| Severity | Service | Finding | Location | Fix |\n|---|---|---|---|---|\n';

interface FindingSection {
  /** Heading for the open section (introduced) or the <summary> of a collapsed one. */
  label: string;
  findings: Finding[];
  collapsed: boolean;
}

export function renderMarkdown(report: ScanReport, opts: MarkdownOptions = {}): string {
  const maxChars = opts.maxChars ?? DEFAULT_MAX_CHARS;
  const detailsUrl = safeUrl(opts.detailsUrl);
  const gate = report.gate;
  const budget = new Budget(maxChars);

  // What every truncation ends with; reserved while adding optional parts.
  const moreNote = (n: number, what: string) =>
    `\n_…and ${n} more ${what}${detailsUrl ? `: see the [full report](${detailsUrl})` : ' (see the JSON or SARIF report)'}._\n`;
  const RESERVE = moreNote(9_999_999, 'findings').length + 64;

  // 1. Title and decision.
  const title = opts.title ? escapeMarkdown(opts.title, 120) : 'Gatehouse security gate';
  const verdict = gate.passed
    ? '✅ **Passed**'
    : gate.outcome === 'scanner-error'
      ? '⛔ **Failed: a scanner could not run**'
      : '❌ **Failed**';
  budget.add(`## ${title}\n\n${verdict}\n`);
  const gapNotice = coverageGapNotice(report);
  if (gapNotice) budget.add(`\n> ⚠️ **${escapeMarkdown(gapNotice, 400)}**: see Coverage below.\n`, RESERVE);
  if (report.kind === 'pr' && report.comparison.baseline === 'none') {
    budget.add('\n> **No baseline scan was available**, so findings in the files this PR changed count as new and all others as existing.\n', RESERVE);
  }
  if (gate.reasons.length > 0) {
    budget.add('\n');
    let shown = 0;
    for (const r of gate.reasons) {
      if (!budget.add(`- ${escapeMarkdown(r.message, 1_000)}\n`, RESERVE)) break;
      shown++;
    }
    if (shown < gate.reasons.length) budget.add(`- …and ${gate.reasons.length - shown} more reasons\n`);
  }

  // 2. Counts per service and severity.
  const rows = countRows(report);
  const columns: CountColumn[] = ['introduced', 'newly-disclosed', 'existing', 'fixed', 'suppressed'];
  if (rows.length === 0) {
    budget.add('\nNo findings.\n', RESERVE);
  } else {
    budget.add(
      `\n| Service | Severity | ${columns.map((c) => COLUMN_LABELS[c]).join(' | ')} |\n|---|---|${columns.map(() => '---:').join('|')}|\n`,
      RESERVE,
    );
    let shown = 0;
    for (const r of rows) {
      const cells = columns.map((c) => (c === 'introduced' && r.counts[c] > 0 ? `**${r.counts[c]}**` : String(r.counts[c])));
      if (!budget.add(`| ${escapeMarkdown(r.service, 80)} | ${SEVERITY_BADGE[r.severity]} | ${cells.join(' | ')} |\n`, RESERVE)) break;
      shown++;
    }
    if (shown < rows.length) budget.add(`\n_…and ${rows.length - shown} more rows._\n`);
  }

  // 3. Scanner errors (they change what the numbers mean, so before the findings).
  const errors = report.scanners.filter((s) => s.status === 'error');
  if (errors.length > 0) {
    budget.add('\n### Scanner errors\n\n| Scanner | Service | Error |\n|---|---|---|\n', RESERVE);
    for (const e of errors) {
      if (!budget.add(`| ${escapeMarkdown(e.scanner, 80)} | ${escapeMarkdown(e.service, 80)} | ${escapeMarkdown(e.error ?? 'unknown error', 400)} |\n`, RESERVE)) break;
    }
  }

  // 3b. Coverage: what was and was not read.
  budget.add(renderCoverageSection(report), RESERVE);

  // 4. Suppressions that need attention.
  const attention = report.suppressions.filter((s) => s.state !== 'active');
  if (attention.length > 0) {
    const text: Record<string, string> = { expiring: 'expires soon', expired: 'expired: its findings count again', stale: 'matches nothing, remove it if the problem is gone' };
    budget.add('\n### Suppressions\n\n', RESERVE);
    for (const s of attention) {
      const line = `- ${escapeMarkdown(s.id, 160)}${s.expires ? ` (${escapeMarkdown(s.expires, 20)})` : ''}${s.owner ? `, owner ${escapeMarkdown(s.owner, 80)}` : ''}: ${text[s.state]}. Reason: ${escapeMarkdown(s.reason)}\n`;
      if (!budget.add(line, RESERVE)) break;
    }
  }

  // 5. Findings: new ones open, the rest collapsed; each row only while the budget lasts.
  const byStatus = (status: Finding['status']) => sortBySeverity(report.findings.filter((f) => f.status === status));
  const sections: FindingSection[] = [
    { label: 'New findings', findings: byStatus('introduced'), collapsed: false },
    { label: 'Newly disclosed (not introduced by this change)', findings: byStatus('newly-disclosed'), collapsed: true },
    { label: 'Existing', findings: byStatus('existing'), collapsed: true },
    { label: 'Fixed', findings: sortBySeverity(report.fixed), collapsed: true },
    { label: 'Suppressed', findings: byStatus('suppressed'), collapsed: true },
  ];
  let omitted = 0;
  let full = false;
  for (const section of sections) {
    if (section.findings.length === 0) continue;
    const count = section.findings.length;
    const open = section.collapsed
      ? `\n<details><summary>${section.label} (${count})</summary>\n\n${FINDING_TABLE_HEAD}`
      : `\n### ${section.label} (${count})\n\n${FINDING_TABLE_HEAD}`;
    const close = section.collapsed ? '\n</details>\n' : '';
    if (full || !budget.add(open, close.length + RESERVE)) {
      full = true;
      omitted += count;
      continue;
    }
    let shown = 0;
    for (const f of section.findings) {
      if (!budget.add(findingRow(f), close.length + RESERVE)) break;
      shown++;
    }
    if (shown < count) {
      full = true;
      omitted += count - shown;
    }
    budget.add(close);
  }

  // 6. Warnings, then the truncation note.
  const warnings = gate.warnings.filter((w) => !/^suppression "/.test(w));
  if (!full && warnings.length > 0) {
    budget.add('\n<details><summary>Warnings</summary>\n\n', RESERVE);
    for (const w of warnings) if (!budget.add(`- ${escapeMarkdown(w, 600)}\n`, RESERVE + 12)) break;
    budget.add('\n</details>\n');
  }
  if (omitted > 0) budget.add(moreNote(omitted, omitted === 1 ? 'finding' : 'findings'));
  else if (detailsUrl) budget.add(`\n[Full report](${detailsUrl})\n`);
  return budget.toString();
}

/** A repository path as an inline code span, or escaped text when a backtick would end the span. */
function codePath(path: string): string {
  // eslint-disable-next-line no-control-regex
  const flat = path.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').slice(0, 200);
  return /`/.test(flat) || flat.trim() === '' ? escapeMarkdown(flat, 200) : `\`${scrubSecrets(flat)}\``;
}

/**
 * The coverage ledger as a collapsed markdown section (one compact line per fact); self-contained
 * so the PR comment layout can place it where it fits. Opens when there is a coverage gap or a
 * failed scanner, so what was not read is never hidden behind a click.
 */
export function renderCoverageSection(report: ScanReport): string {
  const lines = coverageLines(report, { path: codePath, text: (t) => escapeMarkdown(t, 400) });
  if (lines.length === 0) return '';
  const open = report.coverage.gapCount > 0 || report.coverage.scanners.some((e) => e.state === 'failed') ? ' open' : '';
  const files = report.coverage.files;
  const summary = files ? `Coverage: ${files.total} files, ${report.coverage.gapCount} not read that should have been` : 'Coverage';
  return `\n<details${open}><summary>${summary}</summary>\n\n${lines.map((l) => `- ${l}\n`).join('')}\n</details>\n`;
}
