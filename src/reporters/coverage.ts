// The coverage ledger in words, for the text and markdown reports: compact lines such as
// "audited 3 of 4 lockfiles; skipped `src/x/package-lock.json`: not at a service root". The JSON
// report carries the ledger in full and SARIF says it per tool (sarif.ts). One function builds the
// sentences; each format only decides how a path and a tool text are written.
import type { CoverageScannerEntry, ScanReport } from '../report/scan-report.js';

/** How one format writes a path (code span, plain) and any other tool or config text. */
export interface CoverageStyle {
  path(text: string): string;
  text(text: string): string;
}

const VERB: Record<string, string> = { dependency: 'audited', secret: 'scanned', sast: 'analysed', misconfig: 'checked', ci: 'checked' };

/** Paths listed per line before "and N more". */
const LISTED = 3;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** One line per category, the scanner states, root files, exclusions, unreadable parts, not-services. */
export function coverageLines(report: ScanReport, style: CoverageStyle): string[] {
  const { coverage } = report;
  const lines: string[] = [];
  const files = coverage.files;
  if (files) {
    for (const c of files.categories) {
      if (!c.configured && c.unreadCount === 0) continue;
      if (!c.configured) {
        lines.push(`${c.category}: no scanner configured; ${c.relevant} ${c.noun} not read`);
        continue;
      }
      let line = `${c.category}: ${VERB[c.category] ?? 'read'} ${c.read} of ${c.relevant} ${c.noun}`;
      if (c.unreadCount > 0) {
        // Group by reason so one reason is said once.
        const byReason = new Map<string, string[]>();
        for (const u of c.unread) byReason.set(u.reason, [...(byReason.get(u.reason) ?? []), u.path]);
        const parts = [...byReason].map(([reason, paths]) => {
          const more = paths.length > LISTED ? `, and ${paths.length - LISTED} more` : '';
          return `${paths.slice(0, LISTED).map(style.path).join(', ')}${more}: ${style.text(reason)}`;
        });
        const unlisted = c.unreadCount - c.unread.length;
        line += `; not read: ${parts.join('; ')}${unlisted > 0 ? `; and ${unlisted} more` : ''}`;
      }
      lines.push(line);
    }
  }
  lines.push(scannerStateLine(coverage.scanners, style));
  const nowhere = scannersRunNowhere(coverage.scanners);
  if (nowhere.length > 0) {
    // Grouped by reasons so trivy-image and grype without an image are one clause.
    const byReasons = new Map<string, string[]>();
    for (const n of nowhere) byReasons.set(n.reasons.join('; '), [...(byReasons.get(n.reasons.join('; ')) ?? []), n.scanner]);
    lines.push(`ran on no service: ${[...byReasons].map(([reasons, scanners]) => `${scanners.map(style.text).join(', ')} (${style.text(reasons)})`).join('; ')}`);
  }
  if (files) {
    if (files.outsideServices.count > 0) {
      const by = files.outsideServices.scannedBy;
      lines.push(
        `${plural(files.outsideServices.count, 'file')} outside every service folder (the root service): ${by.length > 0 ? `read by ${by.map(style.text).join(', ')}` : 'no scanner read them'}`,
      );
    }
    const excluded = files.excluded.filter((e) => e.count > 0);
    if (excluded.length > 0) {
      lines.push(`excluded: ${excluded.map((e) => `${e.count} × ${style.path(e.pattern)} (${style.text(e.source)})`).join(', ')}`);
    }
    for (const u of files.unreadable.slice(0, LISTED)) lines.push(`could not read ${style.path(u.path)}: ${style.text(u.reason)}`);
    if (files.unreadable.length > LISTED) lines.push(`and ${files.unreadable.length - LISTED} more unreadable paths`);
  } else if (coverage.upgradedFrom) {
    lines.push(`files read: not recorded (a version ${coverage.upgradedFrom} report)`);
  }
  if (coverage.notServices.length > 0) {
    const shown = coverage.notServices.slice(0, LISTED).map((n) => `${style.path(n.path)} (${style.text(n.reason)})`);
    const more = coverage.notServices.length > LISTED ? `, and ${coverage.notServices.length - LISTED} more` : '';
    lines.push(`not taken as services: ${shown.join(', ')}${more}`);
  }
  return lines;
}

/**
 * Configured scanners that applied to no service at all (a container scanner without any
 * `services[].image`): the state counts alone would hide that a whole category did nothing.
 */
export function scannersRunNowhere(entries: readonly CoverageScannerEntry[]): { scanner: string; reasons: string[] }[] {
  const byScanner = new Map<string, CoverageScannerEntry[]>();
  for (const e of entries) byScanner.set(e.scanner, [...(byScanner.get(e.scanner) ?? []), e]);
  const nowhere: { scanner: string; reasons: string[] }[] = [];
  for (const [scanner, of] of byScanner) {
    if (!of.every((e) => e.state === 'not-applicable')) continue;
    nowhere.push({ scanner, reasons: [...new Set(of.map((e) => e.reason ?? 'no reason given'))].sort() });
  }
  return nowhere;
}

/** "scanner runs: 12 ran, 1 imported, 3 not applicable, 2 failed (npm-audit in a, b)". */
function scannerStateLine(entries: readonly CoverageScannerEntry[], style: CoverageStyle): string {
  const order = ['ran', 'imported', 'not-applicable', 'skipped', 'failed'] as const;
  const parts: string[] = [];
  for (const state of order) {
    const of = entries.filter((e) => e.state === state);
    if (of.length === 0) continue;
    let part = `${of.length} ${state.replace('-', ' ')}`;
    if (state === 'failed' || state === 'skipped') {
      const byScanner = new Map<string, string[]>();
      for (const e of of) byScanner.set(e.scanner, [...(byScanner.get(e.scanner) ?? []), e.service]);
      part += ` (${[...byScanner].map(([scanner, services]) => `${style.text(scanner)} in ${services.length > 4 ? `${services.length} services` : services.map(style.text).join(', ')}`).join('; ')})`;
    }
    parts.push(part);
  }
  return `service × scanner: ${parts.length > 0 ? parts.join(', ') : 'none planned'}`;
}

/** The coverage gap notice for the top of a report, or undefined when there is no gap. */
export function coverageGapNotice(report: ScanReport): string | undefined {
  const n = report.coverage.gapCount;
  if (n === 0) return undefined;
  const failing = report.gate.reasons.some((r) => r.kind === 'coverage-gap');
  return `Coverage gap: ${plural(n, 'file')} a configured scanner category should have read ${n === 1 ? 'was' : 'were'} not read${failing ? ' (on-coverage-gap: fail)' : ' (on-coverage-gap: warn, not blocking)'}`;
}

/** Plain text (CLI): paths as they are; the caller makes text terminal-safe. */
export function renderCoverageText(report: ScanReport, safe: (text: string) => string): string[] {
  return coverageLines(report, { path: safe, text: safe });
}
