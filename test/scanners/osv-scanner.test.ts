import { describe, expect, it } from 'vitest';
import { ScannerOutputError, UnsupportedFormatError } from '../../src/errors.js';
import { ParsedFindingSchema } from '../../src/findings/finding.js';
import { scoreCvssVector } from '../../src/scanners/cvss-score.js';
import { compareVersions, osvScannerAdapter, parseOsvScannerReport } from '../../src/scanners/osv-scanner.js';
import { GARBAGE_OUTPUTS, readFixture, severityCounts } from './fixtures.js';

// osv-scanner has no severity field of its own (PROVENANCE counts package x vulnerability entries).
// Gatehouse makes one finding per package and *group* (aliases folded), at the group's worst severity:
// each record's CVSS vectors are scored (CVSS 3.1 base score -> qualitative scale), else its GHSA
// `database_specific.severity`, else unknown. Example of a group where scoring decides: aiohttp
// GHSA-5h86-8mv2-jq9f says MODERATE (its vector scores 5.9) but its alias PYSEC-2024-24 carries a
// vector scoring 7.5, so the group is high.
function parseFixture(name: string, ctx = {}) {
  const result = parseOsvScannerReport(readFixture(`osv-scanner/${name}`), ctx);
  for (const f of result.findings) ParsedFindingSchema.parse(f);
  return result;
}

describe('parseOsvScannerReport on recorded osv-scanner output', () => {
  it('osv-json-6-sources-66-vulns.json: 66 entries fold into 37 groups; 22 entries without severity are covered by their aliases', () => {
    const { findings } = parseFixture('osv-json-6-sources-66-vulns.json');
    expect(findings).toHaveLength(37);
    expect(severityCounts(findings)).toEqual({ critical: 5, high: 20, medium: 12 });
    expect(findings.every((f) => f.category === 'dependency' && f.tool === 'osv-scanner')).toBe(true);

    const aiohttp = findings.find((f) => f.ruleId === 'CVE-2024-23334');
    expect(aiohttp).toMatchObject({ severity: 'high', cvss: { score: 7.5 } });
    expect(aiohttp?.message).toContain('also GHSA-5h86-8mv2-jq9f, PYSEC-2024-24');

    const django = findings.find((f) => f.ruleId === 'CVE-2022-28346');
    expect(django).toMatchObject({
      severity: 'critical',
      fix: 'upgrade django to 3.2.13',
      location: { path: '/tmprengine/web/requirements.txt', package: { ecosystem: 'pypi', name: 'django', version: '3.2.4', fixedVersions: ['2.2.28', '3.2.13', '4.0.4'] } },
    });
  });

  it('osv-json-6-sources-66-vulns.json: the git source (no package name, only a commit) is handled', () => {
    const { findings } = parseFixture('osv-json-6-sources-66-vulns.json');
    const git = findings.filter((f) => f.location.package?.ecosystem === 'git');
    expect(git).toHaveLength(1);
    expect(git[0]).toMatchObject({
      ruleId: 'CVE-2023-50094',
      severity: 'high',
      fixAvailable: false,
      location: { package: { name: 'tmprengine', version: 'f5f3c22f3ed5a6804a2a8d9ee9fa43044cfa24a6', fixedVersions: [] } },
    });
    expect(git[0]?.message).toContain('at commit f5f3c22f3ed5');
  });

  it('osv-json-go-and-cargo-4-vulns.json: groups without aliases take the CVE from their records', () => {
    const { findings } = parseFixture('osv-json-go-and-cargo-4-vulns.json', { repoRoot: '/path/to/scorecard-check-osv-e2e' });
    expect(severityCounts(findings)).toEqual({ high: 2 });
    expect(findings.map((f) => [f.ruleId, f.location.path, f.location.package?.ecosystem, f.fix])).toEqual([
      ['CVE-2021-3121', 'go.mod', 'go', 'upgrade github.com/gogo/protobuf to 1.3.2'],
      ['CVE-2022-24713', 'sub-rust-project/Cargo.lock', 'crates.io', 'upgrade regex to 1.5.5'],
    ]);
  });
});

describe('osv severity rules', () => {
  const report = (vuln: Record<string, unknown>, group: Record<string, unknown> = {}) =>
    JSON.stringify({
      results: [
        {
          source: { path: 'package-lock.json', type: 'lockfile' },
          packages: [
            {
              package: { name: 'lodash', version: '4.17.20', ecosystem: 'npm' },
              vulnerabilities: [{ id: 'GHSA-aaaa-bbbb-cccc', ...vuln }],
              groups: [{ ids: ['GHSA-aaaa-bbbb-cccc'], ...group }],
            },
          ],
        },
      ],
    });
  it('falls back to database_specific.severity, then unknown', () => {
    expect(parseOsvScannerReport(report({ database_specific: { severity: 'MODERATE' } })).findings[0]?.severity).toBe('medium');
    expect(parseOsvScannerReport(report({})).findings[0]?.severity).toBe('unknown');
  });
  it('uses a numeric max_severity of newer osv-scanner, and ignores an empty one', () => {
    expect(parseOsvScannerReport(report({}, { max_severity: '9.8' })).findings[0]?.severity).toBe('critical');
    expect(parseOsvScannerReport(report({ database_specific: { severity: 'LOW' } }, { max_severity: '' })).findings[0]?.severity).toBe('low');
  });
  it('scores CVSS v3 and v4 vectors with the library, and refuses partial vectors', () => {
    expect(scoreCvssVector('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toBe(9.8);
    expect(scoreCvssVector('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N')).toBe(9.3);
    expect(scoreCvssVector('AV:N/AC:L/Au:N/C:N/I:N/A:P')).toBe(5);
    expect(scoreCvssVector('CVSS:3.1/AV:N')).toBeUndefined();
    expect(scoreCvssVector('not a vector')).toBeUndefined();
  });
  it('orders versions numerically to pick the nearest fix', () => {
    expect(['4.0.10', '3.2.18', '4.1.7', '3.2.9'].sort(compareVersions)).toEqual(['3.2.9', '3.2.18', '4.0.10', '4.1.7']);
  });
});

describe('parseOsvScannerReport on bad input', () => {
  for (const [what, text] of Object.entries(GARBAGE_OUTPUTS)) {
    it(`refuses ${what} with a typed error naming osv-scanner`, () => {
      let error: unknown;
      try {
        parseOsvScannerReport(text);
      } catch (e) {
        error = e;
      }
      expect(error instanceof ScannerOutputError || error instanceof UnsupportedFormatError).toBe(true);
      expect((error as ScannerOutputError).tool).toBe('osv-scanner');
    });
  }
  it('reads an empty results list as a clean scan', () => {
    expect(parseOsvScannerReport('{"results": []}').findings).toEqual([]);
  });
});

describe('osv-scanner adapter', () => {
  it('scans the service folder recursively with JSON output; exit 1 means vulnerabilities found', () => {
    expect(osvScannerAdapter.command({ service: 'a', dir: '/r/a', repoRoot: '/r', options: {} })).toEqual([
      'osv-scanner', '--format', 'json', '--recursive', '.',
    ]);
    expect(osvScannerAdapter.okExitCodes).toEqual([0, 1]);
  });
});
