import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ScannerOutputError, UnsupportedFormatError } from '../../src/errors.js';
import { ParsedFindingSchema } from '../../src/findings/finding.js';
import { npmAuditAdapter, parseNpmAuditReport } from '../../src/scanners/npm-audit.js';
import { GARBAGE_OUTPUTS, readFixture, severityCounts } from './fixtures.js';

// npm audit v2 counts vulnerable *packages* (PROVENANCE.md). Gatehouse makes one finding per package
// and advisory (the `via` objects), at the advisory's own severity: a package that is vulnerable only
// through a dependency (`via: ["chokidar"]`) has no finding of its own, since its advisories are
// reported on the dependency that carries them. So the mapped counts are the distinct advisories,
// and "moderate" maps to medium.
function parseFixture(name: string, ctx = {}) {
  const result = parseNpmAuditReport(readFixture(`npm-audit/${name}`), ctx);
  for (const f of result.findings) ParsedFindingSchema.parse(f);
  return result;
}

describe('parseNpmAuditReport on recorded npm audit output', () => {
  it('npm8-v2-26-vulns.json: 26 vulnerable packages -> 11 advisory findings', () => {
    const { findings } = parseFixture('npm8-v2-26-vulns.json');
    // tool: packages critical 1, high 15, moderate 8, low 2; advisories: critical 1, high 4, moderate 4, low 2.
    expect(severityCounts(findings)).toEqual({ critical: 1, high: 4, medium: 4, low: 2 });
    const ansi = findings.find((f) => f.location.package?.name === 'ansi-regex');
    expect(ansi).toMatchObject({ ruleId: 'GHSA-93q8-gq69-wqmw', fixAvailable: true, fix: 'run npm audit fix' });
    expect(ansi?.message).toContain('node_modules/inquirer/node_modules/ansi-regex');
    const braces = findings.find((f) => f.location.package?.name === 'braces');
    expect(braces?.fixAvailable).toBe(false);
    // babel-cli is vulnerable only through chokidar: no finding of its own.
    expect(findings.some((f) => f.location.package?.name === 'babel-cli')).toBe(false);
  });

  it('npm7-v2-15-vulns.json: 15 vulnerable packages -> 8 advisory findings', () => {
    const { findings } = parseFixture('npm7-v2-15-vulns.json');
    // tool: packages high 1, moderate 2, low 12; advisories: high 1, moderate 2, low 5.
    expect(severityCounts(findings)).toEqual({ high: 1, medium: 2, low: 5 });
    expect(findings.every((f) => f.category === 'dependency' && f.location.package?.ecosystem === 'npm')).toBe(true);
  });

  it('npm-v2-3-vulns-transitive.json: several advisories per package, at their own severity, with fix objects', () => {
    const { findings } = parseFixture('npm-v2-3-vulns-transitive.json', { serviceDir: 'services/web' });
    // tool: 3 packages, all high; advisories: high 4, moderate 1 (follow-redirects GHSA-pw2r-vq6v-hr8c).
    expect(severityCounts(findings)).toEqual({ high: 4, medium: 1 });
    const moderate = findings.find((f) => f.severity === 'medium');
    expect(moderate).toMatchObject({
      ruleId: 'GHSA-pw2r-vq6v-hr8c',
      toolSeverity: 'moderate',
      fix: 'upgrade axios to 0.26.0 (a semver-major upgrade)',
      location: { path: 'services/web/package-lock.json', package: { name: 'follow-redirects', fixedVersions: [] } },
    });
    const axios = findings.filter((f) => f.location.package?.name === 'axios');
    expect(axios).toHaveLength(3);
    expect(axios[0]?.location.package?.fixedVersions).toEqual(['0.26.0']);
  });

  it('npm-v2-1-vuln-cwe-cvss.json: newer npm carries cwe and cvss', () => {
    const { findings } = parseFixture('npm-v2-1-vuln-cwe-cvss.json');
    expect(severityCounts(findings)).toEqual({ high: 1 });
    expect(findings[0]?.cwe).toEqual(['CWE-1321']);
    expect(findings[0]?.cvss).toEqual({ score: 7.5, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' });
  });

  it('npm-v2-no-vulns.json: a clean audit is zero findings', () => {
    expect(parseFixture('npm-v2-no-vulns.json').findings).toEqual([]);
  });

  it('legacy/npm6-v1-advisories.json: the npm 6 advisories map is parsed, one finding per advisory and version', () => {
    const { findings } = parseFixture('legacy/npm6-v1-advisories.json');
    expect(severityCounts(findings)).toEqual({ high: 4, medium: 1 });
    const followRedirects = findings.find((f) => f.ruleId === 'GHSA-pw2r-vq6v-hr8c');
    expect(followRedirects).toMatchObject({
      cwe: ['CWE-200'],
      fix: 'upgrade follow-redirects to 1.14.8',
      location: { package: { name: 'follow-redirects', version: '1.0.0', fixedVersions: ['1.14.8'] } },
      cvss: { score: 5.9 },
    });
    expect(followRedirects?.message).toContain('github-build>axios>follow-redirects');
    expect(followRedirects?.message).toContain('CVE-2022-0536');
    // cvss {score: 0, vectorString: null} means "no CVSS", not a score of 0.
    expect(findings.find((f) => f.ruleId === 'GHSA-4w2v-q235-vp99')?.cvss).toBeUndefined();
    expect(findings.find((f) => f.ruleId === 'GHSA-42xw-2xvc-qx8m')?.cwe).toEqual(['CWE-20', 'CWE-755']);
  });
});

describe('npm audit errors are scanner errors, never zero findings', () => {
  it('the registry refusing the audit endpoint (recorded 405) is a ScannerOutputError', () => {
    const text = readFileSync(new URL('./recorded/npm-audit-405-registry.json', import.meta.url), 'utf8');
    expect(() => parseNpmAuditReport(text)).toThrow(ScannerOutputError);
    // said as what it is, not as output that "is not valid"
    expect(() => parseNpmAuditReport(text)).toThrow(
      /^npm-audit: the registry refused the audit endpoint \(HTTP 405\): POST https:\/\/registry\.npmjs\.org\/-\/npm\/v1\/security\/advisories\/bulk$/,
    );
  });

  it('a real npm audit run here either finds minimist or fails as a scanner error', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-npm-audit-'));
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0', dependencies: { minimist: '1.2.5' } }));
    writeFileSync(
      path.join(dir, 'package-lock.json'),
      JSON.stringify({
        name: 'x',
        version: '1.0.0',
        lockfileVersion: 3,
        requires: true,
        packages: {
          '': { name: 'x', version: '1.0.0', dependencies: { minimist: '1.2.5' } },
          'node_modules/minimist': {
            version: '1.2.5',
            resolved: 'https://registry.npmjs.org/minimist/-/minimist-1.2.5.tgz',
            integrity: 'sha512-FM9nNUYrRBAELZQT3xeZQ7fmMOBg6ra7Ywgz1ZCzSt1UCN0HrtVSVhSdH/+4Gw+a0Dlbu4XgnwyYg6uvfP2a8Q==',
          },
        },
      }),
    );
    const [file, ...args] = npmAuditAdapter.command({ service: 'x', dir, repoRoot: dir, options: {} });
    const run = await execa(file!, args, { cwd: dir, reject: false, timeout: 60_000 });
    expect(npmAuditAdapter.okExitCodes).toContain(run.exitCode);
    let outcome: string;
    try {
      const result = npmAuditAdapter.parse({ stdout: run.stdout, stderr: run.stderr, exitCode: run.exitCode ?? -1 }, {});
      outcome = result.findings.map((f) => f.ruleId).join(',');
      expect(outcome).toContain('GHSA-xvch-5gv4-984h');
    } catch (error) {
      expect(error).toBeInstanceOf(ScannerOutputError);
      expect((error as ScannerOutputError).tool).toBe('npm-audit');
    }
  });

  it('ENOLOCK-style error objects name the code', () => {
    const text = JSON.stringify({ error: { code: 'ENOLOCK', summary: 'This command requires an existing lockfile.', detail: '' } });
    expect(() => parseNpmAuditReport(text)).toThrow(/ENOLOCK: This command requires an existing lockfile/);
  });

  for (const [what, text] of Object.entries(GARBAGE_OUTPUTS)) {
    it(`refuses ${what} with a typed error naming npm-audit`, () => {
      let error: unknown;
      try {
        parseNpmAuditReport(text);
      } catch (e) {
        error = e;
      }
      expect(error instanceof ScannerOutputError || error instanceof UnsupportedFormatError).toBe(true);
      expect((error as ScannerOutputError).tool).toBe('npm-audit');
    });
  }

  it('refuses an unknown report version', () => {
    expect(() => parseNpmAuditReport('{"auditReportVersion": 3, "vulnerabilities": {}}')).toThrow(UnsupportedFormatError);
  });
});

describe('npm-audit adapter', () => {
  it('audits the lockfile alone and treats exit 1 (vulnerabilities found) as a normal run', () => {
    expect(npmAuditAdapter.command({ service: 'a', dir: '/r/a', repoRoot: '/r', options: {} })).toEqual([
      'npm', 'audit', '--json', '--package-lock-only',
    ]);
    expect(npmAuditAdapter.okExitCodes).toEqual([0, 1]);
  });
});
