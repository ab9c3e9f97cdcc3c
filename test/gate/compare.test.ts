import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/finding.js';
import { compareWithBaseline } from '../../src/gate/compare.js';
import { codeFinding, lodashFinding, trivyFindings } from './fixture-findings.js';

const statusOf = (findings: Finding[], ruleId: string) => findings.find((f) => f.ruleId === ruleId)?.status;

describe('compareWithBaseline', () => {
  // The base: a real trivy fs scan (urllib3 in requirements.txt, a Dockerfile misconfig, two secrets).
  const base = trivyFindings('fs-vulns-misconfig-secrets.json', 'api');
  const urllib3 = base.find((f) => f.ruleId === 'CVE-2021-33503')!;

  it('marks findings in the base as existing and base-only findings as fixed', () => {
    const current = base.filter((f) => f !== urllib3);
    const { findings, fixed } = compareWithBaseline(current, { findings: base }, []);
    expect(findings.every((f) => f.status === 'existing')).toBe(true);
    expect(fixed.map((f) => f.ruleId)).toEqual(['CVE-2021-33503']);
  });

  it('marks a new finding in a changed file as introduced and one in an untouched file as newly disclosed', () => {
    const newCode = codeFinding('api', { location: { path: 'services/api/src/calc.js', startLine: 3 } });
    const newAdvisory = { ...urllib3, ruleId: 'CVE-2099-0001', fingerprint: 'f'.repeat(32) };
    const { findings } = compareWithBaseline([...base, newCode, newAdvisory], { findings: base }, ['services/api/src/calc.js']);
    expect(statusOf(findings, newCode.ruleId)).toBe('introduced');
    expect(statusOf(findings, 'CVE-2099-0001')).toBe('newly-disclosed');
    expect(statusOf(findings, 'CVE-2021-33503')).toBe('existing');
  });

  it('counts a new advisory as introduced when the change touched its lockfile or the manifest beside it', () => {
    const lodash = lodashFinding('payments');
    const viaLockfile = compareWithBaseline([lodash], { findings: [] }, ['services/payments/package-lock.json']);
    expect(viaLockfile.findings[0]!.status).toBe('introduced');
    const viaManifest = compareWithBaseline([lodash], { findings: [] }, ['services/payments/package.json']);
    expect(viaManifest.findings[0]!.status).toBe('introduced');
    const elsewhere = compareWithBaseline([lodash], { findings: [] }, ['services/api/package.json']);
    expect(elsewhere.findings[0]!.status).toBe('newly-disclosed');
  });

  it('counts a container finding as introduced when its service Dockerfile changed', () => {
    const image = trivyFindings('image-alpine-3.9.json', 'web');
    const changed = compareWithBaseline(image, { findings: [] }, ['services/web/Dockerfile'], {
      servicePaths: { web: 'services/web' },
    });
    expect(changed.findings.every((f) => f.status === 'introduced')).toBe(true);
    const other = compareWithBaseline(image, { findings: [] }, ['services/api/Dockerfile', 'services/web/README.md'], {
      servicePaths: { web: 'services/web' },
    });
    expect(other.findings.every((f) => f.status === 'newly-disclosed')).toBe(true);
  });

  it('treats every new finding as introduced when no changed-files list is given', () => {
    const { findings } = compareWithBaseline([lodashFinding('payments')], { findings: [] }, undefined);
    expect(findings[0]!.status).toBe('introduced');
  });

  it('without a base: findings in changed files are introduced, the others existing', () => {
    const inChange = codeFinding('api');
    const { findings, fixed } = compareWithBaseline([...base, inChange], undefined, ['services/api/src/calc.js']);
    expect(statusOf(findings, inChange.ruleId)).toBe('introduced');
    expect(findings.filter((f) => f.status === 'existing')).toHaveLength(base.length);
    expect(fixed).toEqual([]);
  });

  it('without a base and without changed files: everything is introduced', () => {
    const { findings } = compareWithBaseline(base, undefined, undefined);
    expect(findings.every((f) => f.status === 'introduced')).toBe(true);
  });

  it('keeps suppressed findings suppressed', () => {
    const suppressed = { ...urllib3, status: 'suppressed' as const, suppression: { source: 'config', reason: 'r' } };
    const { findings } = compareWithBaseline([suppressed], { findings: [] }, undefined);
    expect(findings[0]!.status).toBe('suppressed');
  });

  it('does not call base findings of services this scan did not cover fixed', () => {
    const other = lodashFinding('billing');
    const { fixed } = compareWithBaseline(base, { findings: [...base, other] }, [], { services: ['api'] });
    expect(fixed).toEqual([]);
    const all = compareWithBaseline(base, { findings: [...base, other] }, []);
    expect(all.fixed.map((f) => f.service)).toEqual(['billing']);
  });
});

describe('compareWithBaseline with a baseline report file', () => {
  it('recognises every finding of a re-scan against the JSON report of the previous scan as existing', async () => {
    const { buildReport } = await import('../reporters/build-report.js');
    const { renderJson } = await import('../../src/reporters/json.js');
    const { ScanReportSchema } = await import('../../src/report/scan-report.js');
    const previous = buildReport();
    const baseline = ScanReportSchema.parse(JSON.parse(renderJson(previous)));
    // The re-scan: the same fixtures parsed and normalized again from scratch.
    const rescan = buildReport().findings.map((f) => (f.status === 'suppressed' ? f : { ...f, status: 'introduced' as const }));
    const { findings, fixed } = compareWithBaseline(rescan, baseline, ['services/web/Dockerfile']);
    expect(findings.filter((f) => f.status !== 'suppressed').every((f) => f.status === 'existing')).toBe(true);
    expect(fixed).toEqual([]);
  });
});
