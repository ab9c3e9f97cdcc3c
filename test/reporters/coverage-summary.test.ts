// The markdown Coverage summary counts every file a configured category did not read: contoso-real-
// estate's PR comment said "622 files, 1 not read that should have been" while npm audit's HTTP 405
// left 3 more of its 4 lockfiles unaudited (those are a scanner error, not a coverage gap, so the gap
// count and the on-coverage-gap rule leave them out; the summary must not).
import { describe, expect, it } from 'vitest';
import { renderCoverageSection } from '../../src/reporters/markdown.js';
import type { ScanReport } from '../../src/report/scan-report.js';
import { buildReport } from './build-report.js';

function withDependencyLedger(report: ScanReport, failed: number, gaps: number): ScanReport {
  const unread = [
    ...Array.from({ length: failed }, (_, i) => ({ path: `packages/p${i}/package-lock.json`, service: `p${i}`, reason: 'npm-audit failed' })),
    ...Array.from({ length: gaps }, (_, i) => ({ path: `packages/docs/w${i}/package-lock.json`, service: 'docs', reason: 'not at a service root' })),
  ];
  return {
    ...report,
    coverage: {
      ...report.coverage,
      gapCount: gaps,
      files: {
        total: 622,
        perService: [],
        categories: [
          { category: 'dependency', noun: 'lockfiles', configured: true, relevant: failed + gaps, read: 0, unread, unreadCount: unread.length },
          // An unconfigured category's files are a choice, not "should have been read".
          { category: 'sast', noun: 'source files', configured: false, relevant: 226, read: 0, unread: [], unreadCount: 226 },
        ],
        outsideServices: { count: 0, paths: [], scannedBy: [] },
        excluded: [],
        unreadable: [],
      },
    },
  };
}

describe('the markdown Coverage summary', () => {
  it('counts the files a failed scanner left unread, and says so', () => {
    const section = renderCoverageSection(withDependencyLedger(buildReport(), 3, 1));
    expect(section).toContain('<summary>Coverage: 622 files, 4 not read that should have been (3 because a scanner failed)</summary>');
  });

  it('reads as before when no scanner failed', () => {
    const section = renderCoverageSection(withDependencyLedger(buildReport(), 0, 1));
    expect(section).toContain('<summary>Coverage: 622 files, 1 not read that should have been</summary>');
  });
});
