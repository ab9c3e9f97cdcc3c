import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AnnotationProperties } from '@actions/core';
import { describe, expect, it } from 'vitest';
import { ANNOTATIONS_PER_JOB, ANNOTATIONS_PER_LEVEL, emitAnnotations, omittedAnnotationsNote, planAnnotations } from '../../src/github/annotations.js';
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

describe('annotations (GitHub: 10 per type per step, 50 per job)', () => {
  const collect = () => {
    const seen: { level: string; message: string; props: AnnotationProperties }[] = [];
    const sink = {
      error: (message: string, props: AnnotationProperties) => seen.push({ level: 'error', message, props }),
      warning: (message: string, props: AnnotationProperties) => seen.push({ level: 'warning', message, props }),
      notice: (message: string, props: AnnotationProperties) => seen.push({ level: 'notice', message, props }),
    };
    return { seen, sink };
  };

  it('crossing 10 of a type: 10 errors, 10 warnings, 10 notices, most severe first, only introduced findings with a path; the rest counted', () => {
    const report: ScanReport = {
      ...base,
      findings: [...manyFindings(3, 'medium'), ...manyFindings(15, 'critical'), ...manyFindings(12, 'low'), ...manyFindings(9, 'high'), { ...manyFindings(1, 'critical')[0], fingerprint: 'old', status: 'existing' }],
    };
    const { seen, sink } = collect();
    const { emitted, omitted, plan } = emitAnnotations(report, sink);
    expect(seen.filter((s) => s.level === 'error')).toHaveLength(ANNOTATIONS_PER_LEVEL);
    expect(seen.filter((s) => s.level === 'error').every((s) => s.message.startsWith('CRITICAL'))).toBe(true);
    expect(seen.filter((s) => s.level === 'warning')).toHaveLength(3);
    expect(seen.filter((s) => s.level === 'notice')).toHaveLength(ANNOTATIONS_PER_LEVEL);
    expect(emitted).toBe(23);
    expect(omitted).toBe(39 - 23);
    expect(seen[0].props).toMatchObject({ file: 'services/payments/src/f0.ts', startLine: 1 });
    expect(omittedAnnotationsNote(plan)).toMatch(/^16 more introduced findings are not annotated: GitHub shows at most 10 annotations of each type per step and 50 per job/);
  });

  it('crossing 50 per job: a later Gatehouse step of the same job spends only what is left', () => {
    const report: ScanReport = { ...base, findings: [...manyFindings(12, 'critical'), ...manyFindings(12, 'medium'), ...manyFindings(12, 'low')] };
    expect(planAnnotations(report).chosen).toHaveLength(30);
    const { seen, sink } = collect();
    const { emitted, omitted } = emitAnnotations(report, sink, { usedInJob: ANNOTATIONS_PER_JOB - 15 });
    expect(emitted).toBe(15);
    expect(seen.map((s) => s.level)).toEqual([...Array(10).fill('error'), ...Array(5).fill('warning')]);
    expect(omitted).toBe(36 - 15);
    expect(planAnnotations(report, { usedInJob: 50 }).chosen).toHaveLength(0);
  });

  it('a finding with a line comes before one of the same severity without', () => {
    const [withLine, withoutLine] = manyFindings(2, 'high');
    const report: ScanReport = { ...base, findings: [{ ...withoutLine, location: { path: 'a.ts' } }, withLine] };
    expect(planAnnotations(report).chosen.map((c) => c.finding.fingerprint)).toEqual([withLine.fingerprint, withoutLine.fingerprint]);
    expect(omittedAnnotationsNote(planAnnotations(report))).toBeUndefined();
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
