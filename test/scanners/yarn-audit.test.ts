import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScannerOutputError, UnsupportedFormatError } from '../../src/errors.js';
import { ParsedFindingSchema } from '../../src/findings/finding.js';
import { parseYarnAuditReport, yarnAuditAdapter } from '../../src/scanners/yarn-audit.js';
import { GARBAGE_OUTPUTS, readFixture, severityCounts } from './fixtures.js';

function parseFixture(name: string, ctx = {}) {
  const result = parseYarnAuditReport(readFixture(`yarn/${name}`), ctx);
  for (const f of result.findings) ParsedFindingSchema.parse(f);
  return result;
}

describe('parseYarnAuditReport on recorded yarn output', () => {
  it('yarn1-audit-json-14-advisories.jsonl: 14 lines, repeats of one advisory fold into one finding per advisory and version', () => {
    const { findings } = parseFixture('yarn1-audit-json-14-advisories.jsonl', { serviceDir: 'services/docs' });
    // tool: 14 auditAdvisory lines (critical 3, high 5, moderate 6). minimist (critical), nth-check
    // (high) and tough-cookie (moderate) each come twice, once per dependency path: 11 findings,
    // critical 2, high 4, moderate 5 (-> medium).
    expect(findings).toHaveLength(11);
    expect(severityCounts(findings)).toEqual({ critical: 2, high: 4, medium: 5 });
    const minimist = findings.filter((f) => f.location.package?.name === 'minimist');
    expect(minimist).toHaveLength(1);
    expect(minimist[0]).toMatchObject({
      ruleId: 'GHSA-xvch-5gv4-984h',
      fix: 'upgrade minimist to 1.2.6',
      cvss: { score: 9.8 },
      cwe: ['CWE-1321'],
      location: { path: 'services/docs/yarn.lock', package: { ecosystem: 'npm', version: '1.2.5', fixedVersions: ['1.2.6'] } },
    });
    expect(minimist[0]?.message).toContain('via minimist, esdoc>minimist');
    // marked 0.3.19 has three different advisories: three findings.
    expect(findings.filter((f) => f.location.package?.name === 'marked')).toHaveLength(3);
  });

  it('yarn-berry-npm-audit-workspace.json: the yarn 2/3 advisories map; cvss score 0 with a null vector is no CVSS', () => {
    const { findings } = parseFixture('yarn-berry-npm-audit-workspace.json');
    expect(severityCounts(findings)).toEqual({ critical: 1, high: 1, medium: 1 });
    const open = findings.find((f) => f.location.package?.name === 'open');
    expect(open).toMatchObject({ ruleId: 'GHSA-28xh-wpgr-7fm8', cwe: ['CWE-77'], fix: 'upgrade open to 6.0.0' });
    expect(open?.cvss).toBeUndefined();
    expect(findings.find((f) => f.location.package?.name === 'qs')?.cvss).toEqual({
      score: 7.5,
      vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H',
    });
  });
});

describe('yarn audit output shapes and failures', () => {
  it('reads yarn 4 NDJSON (one line per package)', () => {
    const line = JSON.stringify({
      value: 'lodash',
      children: {
        ID: 1094500,
        Issue: 'Prototype Pollution in lodash',
        URL: 'https://github.com/advisories/GHSA-p6mc-m468-83gw',
        Severity: 'high',
        'Vulnerable Versions': '<4.17.19',
        'Tree Versions': ['4.17.15'],
        Dependents: ['app@workspace:.'],
      },
    });
    const { findings } = parseYarnAuditReport(`${line}\n`);
    expect(findings).toMatchObject([
      { ruleId: 'GHSA-p6mc-m468-83gw', severity: 'high', location: { package: { name: 'lodash', version: '4.17.15' } } },
    ]);
  });
  it('a yarn 1 run cut short (no auditSummary) is a scanner error, not fewer findings', () => {
    const lines = readFixture('yarn/yarn1-audit-json-14-advisories.jsonl').trim().split('\n');
    expect(() => parseYarnAuditReport(lines.slice(0, 5).join('\n'))).toThrow(/no auditSummary line after 5 advisories/);
  });
  it('a yarn 1 error line is a scanner error', () => {
    const text = `${JSON.stringify({ type: 'error', data: 'An unexpected error occurred: "https://registry.yarnpkg.com/-/npm/v1/security/audits/quick: Request failed \\"405\\""' })}\n`;
    expect(() => parseYarnAuditReport(text)).toThrow(ScannerOutputError);
  });
  it('a clean yarn 1 audit (only the summary) is zero findings', () => {
    const summary = JSON.stringify({ type: 'auditSummary', data: { vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 0 } } });
    expect(parseYarnAuditReport(summary).findings).toEqual([]);
  });
  it('names the line that is not JSON', () => {
    const lines = readFixture('yarn/yarn1-audit-json-14-advisories.jsonl').trim().split('\n');
    lines.splice(2, 0, 'garbage');
    expect(() => parseYarnAuditReport(lines.join('\n'))).toThrow(/line 3 is not JSON/);
  });
  for (const [what, text] of Object.entries(GARBAGE_OUTPUTS)) {
    it(`refuses ${what} with a typed error naming yarn-audit`, () => {
      let error: unknown;
      try {
        parseYarnAuditReport(text);
      } catch (e) {
        error = e;
      }
      expect(error instanceof ScannerOutputError || error instanceof UnsupportedFormatError).toBe(true);
      expect((error as ScannerOutputError).tool).toBe('yarn-audit');
    });
  }
});

describe('yarn-audit adapter', () => {
  it('runs yarn 1 audit, or yarn npm audit where a .yarnrc.yml marks a yarn 2+ project', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-yarn-'));
    const target = { service: 'a', dir, repoRoot: dir, options: {} };
    expect(yarnAuditAdapter.command(target)).toEqual(['yarn', 'audit', '--json']);
    writeFileSync(path.join(dir, '.yarnrc.yml'), 'nodeLinker: node-modules\n');
    expect(yarnAuditAdapter.command(target)).toEqual(['yarn', 'npm', 'audit', '--json', '--recursive']);
    // yarn 1 exit codes are a severity bit mask.
    expect(yarnAuditAdapter.okExitCodes).toContain(12);
    expect(yarnAuditAdapter.okExitCodes).not.toContain(32);
  });

  it('applies only to a folder with its own yarn.lock (it would otherwise audit a parent project)', () => {
    const repoRoot = mkdtempSync(path.join(tmpdir(), 'gatehouse-yarn-'));
    writeFileSync(path.join(repoRoot, 'yarn.lock'), '# yarn lockfile v1\n');
    const dir = path.join(repoRoot, 'services-api');
    mkdirSync(dir);
    const target = { service: 'api', dir, repoRoot, options: {} };
    expect(yarnAuditAdapter.appliesTo?.(target)).toBe(false);
    writeFileSync(path.join(dir, 'yarn.lock'), '# yarn lockfile v1\n');
    expect(yarnAuditAdapter.appliesTo?.(target)).toBe(true);
  });
});
