import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PARTIAL_FINGERPRINT_KEY, toRelativeUri, toSarif } from '../../src/reporters/sarif.js';
import { buildReport, hostileFinding } from './build-report.js';
import { sarifSchemaErrors } from './sarif-validate.js';

describe('toSarif', () => {
  const report = buildReport({ extraWeb: [0, 1, 2, 3].map(hostileFinding) });
  const log = toSarif(report);

  it('writes a log that validates against the SARIF 2.1.0 schema', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-sarif-'));
    const file = join(dir, 'gatehouse.sarif');
    writeFileSync(file, JSON.stringify(log));
    expect(sarifSchemaErrors(JSON.parse(readFileSync(file, 'utf8')))).toEqual([]);
    expect(log.version).toBe('2.1.0');
    // The validator itself rejects a broken log (so the check above can fail).
    expect(sarifSchemaErrors({ version: '2.1.0', runs: [{ tool: { driver: {} }, results: [{ message: {} }] }] })).not.toEqual([]);
  });

  it('has one run per tool with its version, and every result in the run of its tool', () => {
    const names = log.runs.map((r) => r.tool.driver.name);
    expect(names).toEqual(['trivy', 'npm-audit', 'semgrep', 'gitleaks']);
    expect(log.runs[0]!.tool.driver.version).toBe('dev');
    const total = log.runs.reduce((n, r) => n + (r.results?.length ?? 0), 0);
    expect(total).toBe(report.findings.length);
    for (const run of log.runs) {
      const tool = run.tool.driver.name;
      const fingerprints = new Set(report.findings.filter((f) => f.tool === tool).map((f) => f.fingerprint));
      for (const r of run.results ?? []) expect(fingerprints.has(r.partialFingerprints![PARTIAL_FINGERPRINT_KEY]!)).toBe(true);
    }
  });

  it('describes each rule once with security-severity, tags and a level, and results point at their rule', () => {
    for (const run of log.runs) {
      const rules = run.tool.driver.rules!;
      expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
      for (const rule of rules) {
        expect(Number(rule.properties!['security-severity'])).toBeGreaterThanOrEqual(0);
        expect(rule.properties!.tags).toContain('security');
        expect(rule.defaultConfiguration?.level).toMatch(/^(error|warning|note)$/);
      }
      for (const r of run.results ?? []) expect(rules[r.ruleIndex!]!.id).toBe(r.ruleId);
    }
    const trivy = log.runs[0]!;
    const critical = trivy.results!.find((r) => r.ruleId === 'CVE-2019-14697')!;
    expect(critical.level).toBe('error');
  });

  it('uses repository-relative URIs under %SRCROOT% with line regions', () => {
    for (const run of log.runs) {
      for (const r of run.results ?? []) {
        for (const loc of r.locations ?? []) {
          const art = loc.physicalLocation!.artifactLocation!;
          expect(art.uriBaseId).toBe('%SRCROOT%');
          expect(art.uri).not.toMatch(/^\/|^[a-z][a-z0-9+.-]*:/i);
          expect(loc.physicalLocation!.region!.startLine).toBeGreaterThanOrEqual(1);
        }
      }
    }
    const semgrep = log.runs.find((r) => r.tool.driver.name === 'semgrep')!;
    const withLine = semgrep.results!.find((r) => r.locations![0]!.physicalLocation!.artifactLocation!.uri!.startsWith('services/payments/'));
    expect(withLine).toBeDefined();
  });

  it('gives container findings without a repository file the image as their URI', () => {
    const image = log.runs[0]!.results!.filter((r) => r.properties?.category === 'container');
    expect(image.length).toBe(6);
    for (const r of image) expect(r.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe('registry.example/web%3A1.4.2');
  });

  it('marks suppressed findings with a SARIF suppression and its justification', () => {
    const suppressed = log.runs.flatMap((r) => r.results ?? []).filter((r) => r.suppressions);
    expect(suppressed.length).toBe(report.findings.filter((f) => f.status === 'suppressed').length);
    expect(suppressed[0]!.suppressions![0]).toMatchObject({ kind: 'external', status: 'accepted' });
    expect(suppressed[0]!.suppressions![0]!.justification).toContain('not reachable');
  });

  it('encodes awkward paths as relative URIs', () => {
    expect(toRelativeUri('./src/a b.js')).toBe('src/a%20b.js');
    expect(toRelativeUri('alpine:3.9')).toBe('alpine%3A3.9');
    expect(toRelativeUri('/juice-shop/package.json')).toBe('juice-shop/package.json');
  });

  it('gives a tool whose every run failed its own run, unsuccessful with the reason, under a category that does not close its alerts', () => {
    const r = buildReport();
    const failedOnly = { ...r, scanners: r.scanners.filter((s) => s.tool !== 'gitleaks').concat({ ...r.scanners[0]!, scanner: 'grype', tool: 'grype', status: 'error', error: 'crashed' }) };
    const grype = toSarif(failedOnly).runs.find((x) => x.tool.driver.name === 'grype')!;
    expect(grype.invocations![0]!.executionSuccessful).toBe(false);
    expect(grype.invocations![0]!.toolExecutionNotifications!.map((n) => n.message.text)).toContain(`grype could not scan ${r.scanners[0]!.service}: crashed`);
    expect(grype.results).toEqual([]);
    // the tool's usual category is not uploaded empty (that would close its open alerts as fixed)
    expect(grype.automationDetails!.id).toBe('gatehouse/grype-failed/');
    const npm = toSarif(r).runs.find((x) => x.tool.driver.name === 'npm-audit')!;
    expect(npm.invocations![0]!.executionSuccessful).toBe(false);
    expect(sarifSchemaErrors(toSarif(failedOnly))).toEqual([]);
  });

  it('keeps the worst results within the per-run limit and says how many were left out', () => {
    const r = buildReport({ extraWeb: [0, 1, 2].map(hostileFinding) });
    const trivyCount = r.findings.filter((f) => f.tool === 'trivy').length;
    const capped = toSarif(r, { maxResultsPerRun: 5 });
    expect(sarifSchemaErrors(capped)).toEqual([]);
    const trivy = capped.runs.find((x) => x.tool.driver.name === 'trivy')!;
    expect(trivy.results).toHaveLength(5);
    expect(trivy.results!.every((x) => x.level === 'error')).toBe(true);
    expect(trivy.invocations![0]!.toolExecutionNotifications![0]!.message.text).toBe(
      `${trivyCount - 5} lower-severity results were left out: code scanning accepts at most 5 per run. The JSON report has them all.`,
    );
  });
});
