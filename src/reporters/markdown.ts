// The PR comment body (and job summary), written for the developer who reads it at 6 pm:
//   1. the verdict in one line;
//   2. "Fix first": at most five things that clear the most risk (upgrades from the remediation
//      plan, KEV-listed first; leaked secrets to rotate; code findings), each linked;
//   3. why the gate failed, and the counts per service and severity (all-zero columns left out);
//   4. what the PR introduced, riskiest first (KEV, then EPSS, then severity), with file:line linked
//      to the PR's head commit, advisory ids linked to their advisory, long rule ids shortened (the
//      full id in the collapsed details) and each repeated fix text said once per rule;
//   5. everything else collapsed: newly disclosed, existing, fixed, suppressed, the full upgrade
//      plan, exploitation data sources, warnings.
//
// Two guarantees:
// - Size: never over `maxChars` (GitHub refuses comments over 65,536). A budget is spent in order:
//   decision and counts, then findings (new first) row by row, then "and N more" with a link.
// - Injection: every tool-provided text goes through `escapeMarkdown`, so a title cannot add HTML,
//   images, links, code, table cells or @mentions to the comment.
import { advisoryUrl, canonicalVulnId } from '../enrich/ids.js';
import type { Finding, Severity } from '../findings/finding.js';
import { coverageGapNotice, coverageLines } from './coverage.js';
import { scrubSecrets } from '../findings/redact.js';
import { neutraliseInvisibleText } from '../report/invisible-text.js';
import { describeFix, describeLocation, describeSecret } from '../gate/describe.js';
import { describeStep } from '../remediation/plan.js';
import type { RemediationStep, ScanReport } from '../report/scan-report.js';
import { COLUMN_LABELS, compareRisk, countRows, describeExploitation, describeFeeds, partScopeNote, missingBaselineMatters, sortBySeverity, triagedOnDashboard, type CountColumn } from './summary.js';

export const DEFAULT_MAX_CHARS = 65_000;

export interface MarkdownOptions {
  maxChars?: number;
  /** The full report (workflow run, dashboard scan page) for "and N more". */
  detailsUrl?: string;
  title?: string;
  /**
   * Where repository files are shown at the PR's head commit ("https://github.com/o/r/blob/<sha>"):
   * file:line locations link there. Absent: locations are plain text.
   */
  sourceBaseUrl?: string;
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
  let flat = neutraliseInvisibleText(scrubSecrets(text).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim());
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

/** An http(s) URL in a sentence; trailing sentence punctuation is not part of it. */
const URL_IN_TEXT = /https?:\/\/[A-Za-z0-9\-._~:/?#[\]@!$&'*+,;=%]+[A-Za-z0-9\-_~/#=&%+]/g;

/**
 * Like escapeMarkdown, for Gatehouse's own sentences (gate reasons, scanner errors, feed notes,
 * warnings): the same inert text, except that each http(s) URL is a CommonMark autolink
 * (`<https://…>`), which shows the URL itself and clicks. A zero-width space inside the URL, as
 * escapeMarkdown puts there, would break the link (`https:&#8203;//`). Finding texts from tools keep
 * escapeMarkdown: a tool cannot add a link to the comment.
 */
export function escapeMarkdownKeepingLinks(text: string, maxLength = MAX_TEXT): string {
  // eslint-disable-next-line no-control-regex
  let flat = neutraliseInvisibleText(scrubSecrets(text).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim());
  if (flat.length > maxLength) flat = `${flat.slice(0, maxLength - 1)}…`;
  let out = '';
  let at = 0;
  for (const m of flat.matchAll(URL_IN_TEXT)) {
    out += escapeSegment(flat.slice(at, m.index));
    // Inside an autolink nothing is parsed; only a table cell's "|" and the ">" ending it matter.
    out += `<${m[0].replace(/[|<>`\\ ]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)}>`;
    at = m.index + m[0].length;
  }
  return out + escapeSegment(flat.slice(at));
}

/** escapeMarkdown of a piece of a sentence, its surrounding spaces kept (escapeMarkdown trims). */
function escapeSegment(piece: string): string {
  if (!piece.trim()) return piece;
  return `${piece.startsWith(' ') ? ' ' : ''}${escapeMarkdown(piece, piece.length + 1)}${piece.endsWith(' ') ? ' ' : ''}`;
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

/** Rule ids longer than this are shortened in tables (the full id is in the details). */
const SHORT_RULE = 40;

/** "python.django.security.injection.sql.sql-injection-using-raw" -> "…sql.sql-injection-using-raw". */
export function shortRuleId(id: string): string {
  if (id.length <= SHORT_RULE) return id;
  const parts = id.split(/(?<=[./])/);
  let out = '';
  for (let i = parts.length - 1; i >= 0; i--) {
    if ((parts[i]! + out).length > SHORT_RULE - 1) break;
    out = parts[i]! + out;
  }
  return `…${out || id.slice(-(SHORT_RULE - 1))}`;
}

/** The advisory id as a link when we know where it is published; else escaped text. */
function advisoryLink(ruleId: string, maxLength: number): string {
  const canonical = canonicalVulnId(ruleId)?.id;
  const url = canonical ? advisoryUrl(canonical) : undefined;
  // The canonical id is built by our own patterns (letters, digits, dashes): safe as link text.
  if (canonical && url) return `[${canonical}](${url})`;
  return escapeMarkdown(shortRuleId(ruleId), maxLength);
}

interface Links {
  source?: string;
}

/** "path:line" linked to the head commit, or escaped text. */
function locationLink(f: Finding, links: Links): string {
  const where = describeLocation(f);
  if (!where) return '';
  const path = f.location.path;
  if (!links.source || !path || f.category === 'container' || /(^|\/)\.\.(\/|$)/.test(path) || path.startsWith('/')) return escapeMarkdown(where, 160);
  const encoded = path.split('/').map(encodeURIComponent).join('/');
  const line = f.location.startLine ? `#L${f.location.startLine}` : '';
  return `[${escapeMarkdown(where, 160)}](${links.source}/${encoded}${line})`;
}

function riskCell(f: Finding): string {
  const exploitation = describeExploitation(f);
  return `${SEVERITY_BADGE[f.severity]}${exploitation ? `<br>**${escapeMarkdown(exploitation, 80)}**` : ''}`;
}

function findingRow(f: Finding, links: Links, fixShown: Set<string>): string {
  const pkg = f.location.package;
  // trivy's fallback title is "<id> in <package>": no need to say it twice.
  const title = f.title && !f.title.startsWith(f.ruleId) ? ` ${escapeMarkdown(f.title, 160)}` : '';
  const tools = f.tools ? `<br>found by ${escapeMarkdown(f.tools.join(' + '), 80)}` : '';
  const secretLine = describeSecret(f);
  const secret = secretLine ? `<br>${escapeMarkdown(secretLine, 240)}` : '';
  const what = pkg
    ? `**${advisoryLink(f.ruleId, 80)}**${title}<br>${escapeMarkdown(`${pkg.name} ${pkg.version}`.trim(), 120)}${tools}`
    : `**${advisoryLink(f.ruleId, 120)}**${title}${tools}${secret}`;
  const fix = describeFix(f);
  // A rule's fix text (a semgrep autofix, a 40-word recommendation) is said once per table.
  const fixKey = fix ?? '';
  const fixCell = !fix ? '' : !pkg && fixShown.has(fixKey) ? '↑ same fix as above' : escapeMarkdown(fix, 240);
  fixShown.add(fixKey);
  return `| ${riskCell(f)} | ${escapeMarkdown(f.service, 80)} | ${what} | ${locationLink(f, links)} | ${fixCell} |\n`;
}

const FINDING_TABLE_HEAD = '| Severity | Service | Finding | Location | Fix |\n|---|---|---|---|---|\n';

interface FindingSection {
  /** Heading for the open section (introduced) or the <summary> of a collapsed one. */
  label: string;
  findings: Finding[];
  collapsed: boolean;
}

/**
 * Riskiest first, with code findings that share a fix text kept together after the first of them
 * (so the text is said once: "same fix as above").
 */
function groupedByFix(findings: Finding[]): Finding[] {
  const sorted = sortBySeverity(findings);
  const key = (f: Finding, i: number) => (f.location.package ? `#${i}` : `fix:${describeFix(f) ?? `#${i}`}`);
  const first = new Map<string, number>();
  sorted.forEach((f, i) => {
    if (!first.has(key(f, i))) first.set(key(f, i), i);
  });
  return sorted
    .map((f, i) => ({ f, i, g: first.get(key(f, i))! }))
    .sort((a, b) => a.g - b.g || a.i - b.i)
    .map((x) => x.f);
}

/** The "Fix first" lines: upgrades (KEV first), secrets to rotate, code findings; at most `max`. */
function fixFirstLines(report: ScanReport, links: Links, max: number): string[] {
  const open = report.findings.filter((f) => f.status === 'introduced' || f.status === 'newly-disclosed' || (f.status === 'existing' && (f.kev !== undefined)));
  const openSet = new Set(open.map((f) => f.fingerprint));
  const steps = (report.remediation ?? []).filter((s) => s.to && s.fixes.some((fp) => openSet.has(fp)));
  const upgrade = (s: RemediationStep) =>
    `**Upgrade** ${escapeMarkdown(describeStep(s).replace(/^upgrade /, ''), 200).replace(' -&gt; ', ' → ')} (${escapeMarkdown(s.service, 80)}${s.where ? `, ${escapeMarkdown(s.where, 120)}` : ''})`;
  const kevSteps = steps.filter((s) => s.kev > 0);
  const otherSteps = steps.filter((s) => s.kev === 0);
  const secrets = open.filter((f) => f.category === 'secret' && f.status === 'introduced').sort(compareRisk);
  const code = open
    .filter((f) => (f.category === 'sast' || f.category === 'misconfig') && f.status === 'introduced')
    .sort((a, b) => compareRisk(a, b));
  const lines: string[] = kevSteps.map(upgrade);
  // Secrets by kind: one line per rule ("rotate the AWS key leaked in a.py:3 and 2 more places").
  // A value in a test, example or docs (counted low there) is most often a fixture: it is checked
  // after the code fixes, not rotated first (retail-store-sample-app's e2e workflow password).
  const fixture = (f: Finding) => f.secret !== undefined && f.secret.context !== 'code';
  const secretLinesOf = (list: Finding[], line: (first: Finding, more: string) => string) => {
    const byRule = new Map<string, Finding[]>();
    for (const f of list) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
    return [...byRule.values()].map((group) => line(group[0]!, group.length > 1 ? ` and ${group.length - 1} more place${group.length > 2 ? 's' : ''}` : ''));
  };
  const secretLines = secretLinesOf(secrets.filter((f) => !fixture(f)), (f, more) =>
    `**Rotate** the ${escapeMarkdown(shortRuleId(f.ruleId), 80)} leaked in ${locationLink(f, links)}${more}, then remove it from the code`);
  const fixtureLines = secretLinesOf(secrets.filter(fixture), (f, more) =>
    `**Check** the ${escapeMarkdown(shortRuleId(f.ruleId), 80)} in ${escapeMarkdown(f.secret!.context, 10)} context in ${locationLink(f, links)}${more}: rotate it if it is a real credential, else mark it as a fixture`);
  const codeLines = code.map((f) => `**Fix** ${escapeMarkdown(f.severity, 10)} ${escapeMarkdown(shortRuleId(f.ruleId), 60)} in ${locationLink(f, links)}`);
  // Fill the five lines in turn, so an upgrade, a rotation and a code fix all get a place.
  const queues = [secretLines, otherSteps.map(upgrade), codeLines, fixtureLines];
  while (lines.length < max && queues.some((q) => q.length > 0)) {
    for (const q of queues) if (q.length > 0 && lines.length < max) lines.push(q.shift()!);
  }
  return lines.slice(0, max);
}

export function renderMarkdown(report: ScanReport, opts: MarkdownOptions = {}): string {
  const maxChars = opts.maxChars ?? DEFAULT_MAX_CHARS;
  const detailsUrl = safeUrl(opts.detailsUrl);
  const links: Links = {};
  const source = safeUrl(opts.sourceBaseUrl?.replace(/\/+$/, ''));
  // A scan of one folder names its files from that folder; GitHub from the repository's top.
  const root = report.source.root;
  if (source) links.source = root ? `${source}/${root.split('/').map(encodeURIComponent).join('/')}` : source;
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
  const introduced = report.findings.filter((f) => f.status === 'introduced');
  const kevCount = report.findings.filter((f) => f.kev && f.status !== 'suppressed').length;
  const summaryBits = [
    introduced.length > 0 ? `${introduced.length} new finding${introduced.length === 1 ? '' : 's'}` : 'no new findings',
    ...(kevCount > 0 ? [`${kevCount} known exploited (CISA KEV)`] : []),
  ];
  budget.add(`## ${title}\n\n${verdict} · ${summaryBits.join(' · ')}\n`);
  const gapNotice = coverageGapNotice(report);
  if (gapNotice) budget.add(`\n> ⚠️ **${escapeMarkdown(gapNotice, 400)}**: see Coverage below.\n`, RESERVE);
  // Settings that hide everything or skip whole categories: at the top, where a pass is read.
  for (const note of (gate.policy ?? []).filter((n) => n.kind !== 'open-ended-suppressions')) {
    budget.add(`\n> ⚠️ **${escapeMarkdown(note.message, 400)}**\n`, RESERVE);
  }
  const scope = partScopeNote(report);
  if (scope) budget.add(`\n> ${escapeMarkdown(scope, 600)}\n`, RESERVE);
  if (missingBaselineMatters(report)) {
    budget.add('\n> **No baseline scan was available**, so findings in the files this PR changed count as new and all others as existing.\n', RESERVE);
  }

  // 2. Fix first.
  const fixFirst = fixFirstLines(report, links, 5);
  if (fixFirst.length > 0) {
    budget.add(`\n### Fix first\n\n${fixFirst.map((l, i) => `${i + 1}. ${l}\n`).join('')}`, RESERVE);
  }

  // 3. Why the gate failed.
  if (gate.reasons.length > 0) {
    budget.add('\n**Why the gate failed**\n\n', RESERVE);
    let shown = 0;
    // Exploited first: they are what the reader must not miss.
    const rank = (kind: string) => (kind === 'kev' ? 0 : kind === 'epss' ? 1 : 2);
    for (const r of [...gate.reasons].sort((a, b) => rank(a.kind) - rank(b.kind))) {
      if (!budget.add(`- ${escapeMarkdownKeepingLinks(r.message, 1_000)}\n`, RESERVE)) break;
      shown++;
    }
    if (shown < gate.reasons.length) budget.add(`- …and ${gate.reasons.length - shown} more reasons\n`);
  }

  // 4. Counts per service and severity; columns that are all zero are left out.
  const rows = countRows(report);
  const allColumns: CountColumn[] = ['introduced', 'newly-disclosed', 'existing', 'fixed', 'suppressed'];
  const columns = allColumns.filter((c) => rows.some((r) => r.counts[c] > 0));
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

  // 5. Scanner errors (they change what the numbers mean, so before the findings).
  // One row per scanner and error: a missing tool in 13 services is one row naming them.
  const errors = foldErrorRows(report.scanners);
  if (errors.length > 0) {
    budget.add('\n### Scanner errors\n\n| Scanner | Services | Error |\n|---|---|---|\n', RESERVE);
    for (const e of errors) {
      if (!budget.add(`| ${escapeMarkdown(e.scanner, 80)} | ${escapeMarkdown(e.services.join(', '), 400)} | ${escapeMarkdownKeepingLinks(e.error, 400)} |\n`, RESERVE)) break;
    }
  }

  // 3b. Coverage: what was and was not read.
  budget.add(renderCoverageSection(report), RESERVE);

  // 6. Suppressions that need attention.
  // Also the active ones that hide everything or never expire: a reviewer should see them.
  const attention = report.suppressions.filter((s) => s.state !== 'active' || s.matchesEverything || s.openEnded);
  if (attention.length > 0) {
    const text: Record<string, string> = { active: 'active', expiring: 'expires soon', expired: 'expired: its findings count again', stale: 'matches nothing, remove it if the problem is gone' };
    budget.add('\n### Suppressions\n\n', RESERVE);
    for (const s of attention) {
      const flags = [
        ...(s.matchesEverything ? [`**matches every finding${s.service ? ` of ${escapeMarkdown(s.service, 80)}` : ''}**`] : []),
        ...(s.openEnded ? ['open-ended (no expiry date)'] : []),
      ];
      const state = s.state === 'active' ? '' : text[s.state];
      const what = [state, ...flags].filter(Boolean).join('; ');
      const line = `- ${escapeMarkdown(s.id, 160)}${s.expires ? ` (${escapeMarkdown(s.expires, 20)})` : ''}${s.owner ? `, owner ${escapeMarkdown(s.owner, 80)}` : ''}: ${what}. Reason: ${escapeMarkdown(s.reason)}\n`;
      if (!budget.add(line, RESERVE)) break;
    }
  }

  // 6b. Triage decisions from the dashboard that the gate obeyed: what, who decided, until when.
  const triaged = triagedOnDashboard(report);
  if (triaged.length > 0) {
    budget.add(`\n### Triaged on the dashboard (${triaged.length})\n\nThe gate does not count these: a security lead decided on the dashboard.\n\n`, RESERVE);
    for (const f of triaged) {
      const s = f.suppression!;
      const line =
        `- ${escapeMarkdown(f.ruleId, 120)} in ${escapeMarkdown(f.service, 80)} (${escapeMarkdown(describeLocation(f), 160)}): ${escapeMarkdown(s.reason ?? '', 300)}. ` +
        `Decided by ${escapeMarkdown(s.decidedBy ?? 'unknown', 80)}${s.owner ? `, owner ${escapeMarkdown(s.owner, 80)}` : ''}${s.expires ? `, until ${escapeMarkdown(s.expires, 20)}` : ''}.\n`;
      if (!budget.add(line, RESERVE)) break;
    }
  }

  // 7. Findings: what the PR introduced open, the rest collapsed; each row only while the budget lasts.
  const byStatus = (status: Finding['status']) => groupedByFix(report.findings.filter((f) => f.status === status));
  const sections: FindingSection[] = [
    { label: 'New findings', findings: byStatus('introduced'), collapsed: false },
    { label: 'Newly disclosed (not introduced by this change)', findings: byStatus('newly-disclosed'), collapsed: true },
    { label: 'Existing', findings: byStatus('existing'), collapsed: true },
    { label: 'Fixed', findings: groupedByFix(report.fixed), collapsed: true },
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
    const fixShown = new Set<string>();
    for (const f of section.findings) {
      if (!budget.add(findingRow(f, links, fixShown), close.length + RESERVE)) break;
      shown++;
    }
    if (shown < count) {
      full = true;
      omitted += count - shown;
    }
    budget.add(close);
  }

  // 8. Details: the full upgrade plan, shortened rule ids in full, exploitation data sources.
  const steps = report.remediation ?? [];
  if (!full && steps.length > 0) {
    const open = `\n<details><summary>Upgrade plan (${steps.length})</summary>\n\n`;
    if (budget.add(open, RESERVE + 16)) {
      for (const s of steps) if (!budget.add(`- ${escapeMarkdown(s.service, 80)}: ${escapeMarkdown(describeStep(s), 400)}\n`, RESERVE + 16)) break;
      budget.add('\n</details>\n');
    }
  }
  const shortened = [...new Set(report.findings.map((f) => f.ruleId).filter((id) => shortRuleId(id) !== id && !advisoryUrl(canonicalVulnId(id)?.id ?? '')))];
  if (!full && shortened.length > 0 && budget.add('\n<details><summary>Full rule ids</summary>\n\n', RESERVE + 16)) {
    for (const id of shortened) if (!budget.add(`- ${escapeMarkdown(shortRuleId(id), 80)}: ${escapeMarkdown(id, 300)}\n`, RESERVE + 16)) break;
    budget.add('\n</details>\n');
  }
  const feeds = describeFeeds(report);
  const notes = report.enrichment?.notes ?? [];
  if (feeds.length > 0 && budget.add('\n<details><summary>Exploitation data</summary>\n\n', RESERVE + 16)) {
    for (const line of [...feeds, ...notes]) if (!budget.add(`- ${escapeMarkdownKeepingLinks(line, 600)}\n`, RESERVE + 16)) break;
    budget.add('\n</details>\n');
  }

  // 9. Warnings, then the truncation note.
  const warnings = gate.warnings.filter((w) => !/^suppression "/.test(w));
  if (!full && warnings.length > 0) {
    budget.add('\n<details><summary>Warnings</summary>\n\n', RESERVE);
    for (const w of warnings) if (!budget.add(`- ${escapeMarkdownKeepingLinks(w, 600)}\n`, RESERVE + 12)) break;
    budget.add('\n</details>\n');
  }
  if (omitted > 0) budget.add(moreNote(omitted, omitted === 1 ? 'finding' : 'findings'));
  else if (detailsUrl) budget.add(`\n[Full report](${detailsUrl})\n`);
  return budget.toString();
}

/** Failed runs folded by scanner and error text, services listed, in order of first appearance. */
export function foldErrorRows(runs: ScanReport['scanners']): { scanner: string; services: string[]; error: string }[] {
  const rows = new Map<string, { scanner: string; services: string[]; error: string }>();
  for (const r of runs.filter((s) => s.status === 'error')) {
    const error = r.error ?? 'unknown error';
    const key = `${r.scanner}\u0000${error}`;
    const row = rows.get(key) ?? { scanner: r.scanner, services: [], error };
    rows.set(key, row);
    if (!row.services.includes(r.service)) row.services.push(r.service);
  }
  return [...rows.values()];
}

/** A repository path as an inline code span, or escaped text when a backtick would end the span. */
function codePath(path: string): string {
  // eslint-disable-next-line no-control-regex
  const flat = neutraliseInvisibleText(path.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').slice(0, 200));
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
  // A failed scanner's files are a scanner error rather than a gap, but still not read: count them.
  const notRead = files ? files.categories.filter((c) => c.configured).reduce((n, c) => n + c.unreadCount, 0) : 0;
  const byFailure = Math.max(0, notRead - report.coverage.gapCount);
  const summary = files
    ? `Coverage: ${files.total} files, ${report.coverage.gapCount + byFailure} not read that should have been${byFailure > 0 ? ` (${byFailure} because a scanner failed)` : ''}`
    : 'Coverage';
  return `\n<details${open}><summary>${summary}</summary>\n\n${lines.map((l) => `- ${l}\n`).join('')}\n</details>\n`;
}
