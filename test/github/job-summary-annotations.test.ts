import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AnnotationProperties } from '@actions/core';
import { describe, expect, it } from 'vitest';
import { emitAnnotations, ANNOTATIONS_PER_LEVEL } from '../../src/github/annotations.js';
import { JOB_SUMMARY_LIMIT_BYTES, writeJobSummary } from '../../src/github/job-summary.js';
import { COMMENT_BODY_BUDGET, COMMENT_MARKER, GITHUB_COMMENT_LIMIT, withMarker } from '../../src/github/comment.js';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { ScanReportSchema, type ScanReport } from '../../src/report/scan-report.js';
import type { Finding } from '../../src/findings/finding.js';

const base = ScanReportSchema.parse(JSON.parse(readFileSync(new URL('../fixtures/github/scan-report.json', import.meta.url), 'utf8')));

function manyFindings(n: number, severity: Finding['severity'], title = 'Injection'): Finding[] {
  const template = base.findings[0];
  return Array.from({ length: n }, (_, i) => ({ ...template, severity, title: `${title} ${i}`, fingerprint: `fp-${severity}-${i}`, location: { path: `services/payments/src/f${i}.ts`, startLine: i + 1 } }));
}

describe('job summary', () => {
  it('stays under 1 MiB for a huge report of multi-byte text', async () => {
    const report: ScanReport = { ...base, findings: manyFindings(20_000, 'high', '重大な脆弱性 ✗ 注入攻撃の可能性 '.repeat(6)) };
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'gatehouse-summary-')), 'summary.md');
    writeFileSync(file, '');
    const { bytes } = await writeJobSummary(file, (maxChars) => renderMarkdown(report, { maxChars }));
    expect(bytes).toBeLessThan(JOB_SUMMARY_LIMIT_BYTES);
    expect(readFileSync(file).length).toBe(bytes);
    expect(readFileSync(file, 'utf8')).toMatch(/more/);
  });
});

describe('annotations', () => {
  it('shows at most 10 errors and 10 warnings, most severe first, only for introduced findings with a path', () => {
    const report: ScanReport = {
      ...base,
      findings: [...manyFindings(3, 'medium'), ...manyFindings(15, 'critical'), ...manyFindings(12, 'low'), { ...manyFindings(1, 'critical')[0], fingerprint: 'old', status: 'existing' }],
    };
    const seen: { level: string; message: string; props: AnnotationProperties }[] = [];
    const { emitted, omitted } = emitAnnotations(report, {
      error: (message, props) => seen.push({ level: 'error', message, props }),
      warning: (message, props) => seen.push({ level: 'warning', message, props }),
    });
    expect(seen.filter((s) => s.level === 'error')).toHaveLength(ANNOTATIONS_PER_LEVEL);
    expect(seen.filter((s) => s.level === 'warning')).toHaveLength(ANNOTATIONS_PER_LEVEL);
    expect(seen.filter((s) => s.level === 'warning').slice(0, 3).every((s) => s.message.startsWith('MEDIUM'))).toBe(true);
    expect(emitted + omitted).toBe(30);
    expect(seen[0].props).toMatchObject({ file: 'services/payments/src/f0.ts', startLine: 1 });
  });
});

describe('PR comment budget', () => {
  it('a report of 20,000 findings still makes a comment under 65,536 characters, with the marker and a link to the run', () => {
    const report: ScanReport = { ...base, findings: manyFindings(20_000, 'high', 'Prototype pollution in a transitive dependency') };
    const body = withMarker(renderMarkdown(report, { maxChars: COMMENT_BODY_BUDGET, detailsUrl: 'https://github.com/acme/shop/actions/runs/1' }));
    expect(body.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(body.startsWith(`${COMMENT_MARKER}\n`)).toBe(true);
    expect(body).toMatch(/more .*\(https:\/\/github\.com\/acme\/shop\/actions\/runs\/1\)/);
  });
});
