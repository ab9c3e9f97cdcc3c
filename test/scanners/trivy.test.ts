import { describe, expect, it } from 'vitest';
import { ScannerOutputError, UnsupportedFormatError } from '../../src/errors.js';
import { ParsedFindingSchema } from '../../src/findings/finding.js';
import {
  parseTrivyReport,
  parseTrivyReportInPieces,
  parseWholeTrivyReport,
  trivyFsAdapter,
  trivyImageAdapter,
  trivySecretAdapter,
} from '../../src/scanners/trivy.js';
import { upgradeHint } from '../../src/scanners/report-input.js';
import { readdirSync } from 'node:fs';
import { countBy, fixturePath, GARBAGE_OUTPUTS, readFixture, severityCounts } from './fixtures.js';

// Counts are PROVENANCE.md's tool-level counts: trivy's five levels map one to one
// (CRITICAL/HIGH/MEDIUM/LOW/UNKNOWN -> critical/high/medium/low/unknown), and every misconfiguration
// in these files has Status FAIL, so the mapped counts equal the tool's.
function parseFixture(name: string, ctx = {}) {
  const result = parseTrivyReport(readFixture(`trivy/${name}`), ctx);
  for (const f of result.findings) ParsedFindingSchema.parse(f);
  return result;
}

describe('parseTrivyReport on recorded trivy output', () => {
  it('fs-vulns-misconfig-secrets.json: vulnerabilities, a misconfiguration and secrets from one trivy fs run', () => {
    const { findings } = parseFixture('fs-vulns-misconfig-secrets.json');
    expect(findings).toHaveLength(5);
    expect(severityCounts(findings)).toEqual({ critical: 2, high: 2, medium: 1 });
    expect(countBy(findings, (f) => f.category)).toEqual({ dependency: 2, misconfig: 1, secret: 2 });
    const urllib = findings.find((f) => f.ruleId === 'CVE-2021-33503');
    expect(urllib?.location).toMatchObject({
      path: 'requirements.txt',
      package: { ecosystem: 'pypi', name: 'urllib3', version: '1.26.3', fixedVersions: ['1.26.5'] },
    });
    expect(urllib?.fix).toBe('upgrade urllib3 to 1.26.5');
    expect(urllib?.cvss).toEqual({ score: 7.5, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' });
    expect(urllib?.cwe).toEqual(['CWE-400']);
    const misconfig = findings.find((f) => f.category === 'misconfig');
    expect(misconfig).toMatchObject({ ruleId: 'DS002', severity: 'high', fixAvailable: true, location: { path: 'Dockerfile' } });
    const secret = findings.find((f) => f.category === 'secret' && f.location.path === 'Dockerfile');
    expect(secret).toMatchObject({ ruleId: 'github-pat', severity: 'critical', secretPreview: '****', location: { startLine: 24 } });
    expect(secret?.matchHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('image-alpine-3.9.json: OS packages of an image are container findings with the image named', () => {
    const { findings, toolVersion } = parseFixture('image-alpine-3.9.json');
    expect(severityCounts(findings)).toEqual({ critical: 2, medium: 4 });
    expect(toolVersion).toBe('dev');
    for (const f of findings) {
      expect(f.category).toBe('container');
      expect(f.location.image).toBe('testdata/fixtures/images/alpine-39.tar.gz');
      expect(f.location.package?.ecosystem).toBe('alpine');
    }
  });

  it('image-debian-stretch.json: an end_of_life vulnerability has no fix', () => {
    const { findings } = parseFixture('image-debian-stretch.json');
    expect(severityCounts(findings)).toEqual({ medium: 4, low: 1 });
    const endOfLife = findings.filter((f) => f.message.includes('status: end of life'));
    expect(endOfLife).toHaveLength(1);
    expect(endOfLife[0]?.fixAvailable).toBe(false);
    expect(findings.filter((f) => f.fixAvailable)).toHaveLength(4);
  });

  it('image-fluentd-os-and-gems.json: OS packages and Ruby gems of one image, gems with their PkgPath', () => {
    const { findings } = parseFixture('image-fluentd-os-and-gems.json');
    expect(severityCounts(findings)).toEqual({ critical: 1, high: 1 });
    expect(findings.map((f) => f.category)).toEqual(['container', 'container']);
    const gem = findings.find((f) => f.location.package?.ecosystem === 'gem');
    expect(gem?.location.package?.path).toBeTruthy();
    expect(findings.find((f) => f.location.package?.ecosystem === 'debian')).toBeDefined();
  });

  it('image-juice-shop-v12.10.2.json: nested node_modules duplicates stay distinct, fixed-version lists are split', () => {
    const { findings } = parseFixture('image-juice-shop-v12.10.2.json');
    expect(findings).toHaveLength(185);
    // 182 vulnerabilities (CRITICAL 28, HIGH 100, MEDIUM 48, LOW 6) + 3 secrets (HIGH 2, MEDIUM 1).
    expect(severityCounts(findings)).toEqual({ critical: 28, high: 102, medium: 49, low: 6 });
    expect(countBy(findings, (f) => f.category)).toEqual({ container: 182, secret: 3 });
    const ansi = findings.filter((f) => f.ruleId === 'CVE-2021-3807' && f.location.package?.name === 'ansi-regex');
    expect(ansi.length).toBeGreaterThan(1);
    const paths = new Set(ansi.map((f) => f.location.package?.path));
    expect(paths.size).toBe(ansi.length);
    const old = ansi.find((f) => f.location.package?.version === '3.0.0');
    expect(old?.location.package?.fixedVersions).toEqual(['6.0.1', '5.0.1', '4.1.1', '3.0.1']);
    expect(old?.fix).toBe('upgrade ansi-regex to 3.0.1 (or 6.0.1, 5.0.1, 4.1.1)');
    // Secrets found inside the image keep their in-image path.
    const secretPaths = findings.filter((f) => f.category === 'secret').map((f) => f.location.path);
    expect(secretPaths).toContain('/juice-shop/lib/insecurity.js');
  });

  it('repo-gomod.json: UNKNOWN severities are kept as unknown, paths of sub-modules preserved', () => {
    const { findings } = parseFixture('repo-gomod.json');
    expect(severityCounts(findings)).toEqual({ medium: 1, unknown: 4 });
    expect(new Set(findings.map((f) => f.location.path))).toEqual(new Set(['go.mod', 'submod/go.mod', 'submod2/go.mod']));
    expect(findings.every((f) => f.category === 'dependency' && f.location.package?.ecosystem === 'go')).toBe(true);
  });

  it('repo-npm-lockfile.json: one npm advisory against package-lock.json', () => {
    const { findings } = parseFixture('repo-npm-lockfile.json', { serviceDir: 'services/api' });
    expect(severityCounts(findings)).toEqual({ medium: 1 });
    expect(findings[0]?.location.path).toBe('services/api/package-lock.json');
    expect(findings[0]?.location.package?.ecosystem).toBe('npm');
  });

  it('repo-securecodebox-many-lockfiles.json: 29 Results, most without a Vulnerabilities key', () => {
    const { findings } = parseFixture('repo-securecodebox-many-lockfiles.json');
    expect(findings).toHaveLength(43);
    // 42 vulnerabilities (CRITICAL 5, HIGH 15, MEDIUM 21, LOW 1) + 1 HIGH secret.
    expect(severityCounts(findings)).toEqual({ critical: 5, high: 16, medium: 21, low: 1 });
    expect(countBy(findings, (f) => f.category)).toEqual({ dependency: 42, secret: 1 });
    // "affected" with no FixedVersion: no fix.
    expect(findings.filter((f) => f.category === 'dependency' && !f.fixAvailable).length).toBeGreaterThan(0);
  });

  it('repo-secrets.json: secrets carry a masked preview, never the unmasked context line', () => {
    const result = parseFixture('repo-secrets.json');
    expect(severityCounts(result.findings)).toEqual({ critical: 1, high: 1 });
    expect(result.findings.every((f) => f.category === 'secret' && f.secretPreview === '****')).toBe(true);
    const text = JSON.stringify(result);
    expect(text).not.toContain('ghp_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    expect(text).not.toContain('0123456789ABCDEF');
    expect(text).not.toContain('export GITHUB_PAT');
    expect(result.findings[0]?.location).toMatchObject({ path: 'deploy.sh', startLine: 3, endLine: 3 });
  });

  it('repo-misconfig-helm.json: 18 failed checks with their cause lines', () => {
    const { findings } = parseFixture('repo-misconfig-helm.json');
    expect(severityCounts(findings)).toEqual({ high: 3, medium: 4, low: 11 });
    expect(findings.every((f) => f.category === 'misconfig')).toBe(true);
    const ksv1 = findings.find((f) => f.ruleId === 'KSV-0001');
    expect(ksv1?.location).toMatchObject({ startLine: 19, endLine: 22 });
    expect(ksv1?.matchHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('repo-misconfig-dockerfile.json: one failed Dockerfile check', () => {
    const { findings } = parseFixture('repo-misconfig-dockerfile.json');
    expect(severityCounts(findings)).toEqual({ high: 1 });
    expect(findings[0]).toMatchObject({ category: 'misconfig', location: { path: 'Dockerfile' } });
  });

  it('image-alpine-3.10.sarif: trivy SARIF is read by content, the package taken from the message', () => {
    const { findings } = parseFixture('image-alpine-3.10.sarif', { image: 'alpine:3.10' });
    // 4 results at level warning (-> medium); the rules' security-severity "5.3" wins and is medium too.
    expect(severityCounts(findings)).toEqual({ medium: 4 });
    expect(findings.every((f) => f.category === 'container')).toBe(true);
    const first = findings.find((f) => f.ruleId === 'CVE-2019-1549');
    expect(first?.location.package).toMatchObject({ name: 'libcrypto1.1', version: '1.1.1c-r0', fixedVersions: ['1.1.1d-r0'] });
    expect(first?.fix).toBe('upgrade libcrypto1.1 to 1.1.1d-r0');
    expect(first?.cvss).toEqual({ score: 5.3, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N' });
    expect(first?.location.path).toBe('testdata/fixtures/images/alpine-310.tar.gz');
  });

  it('trivy SARIF secrets and misconfigurations keep their category (by rule name)', () => {
    const sarif = JSON.stringify({
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: 'Trivy',
              rules: [
                { id: 'aws-access-key-id', name: 'Secret', properties: { 'security-severity': '9.5' } },
                { id: 'DS-0002', name: 'Misconfiguration', properties: { 'security-severity': '8.0' } },
              ],
            },
          },
          results: [
            { ruleId: 'aws-access-key-id', ruleIndex: 0, level: 'error', message: { text: 'Artifact: deploy.sh\nMatch: export AWS_ACCESS_KEY_ID=****' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'deploy.sh' }, region: { startLine: 3 } } }] },
            { ruleId: 'DS-0002', ruleIndex: 1, level: 'error', message: { text: 'Specify at least 1 USER command' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'Dockerfile' }, region: { startLine: 1 } } }] },
          ],
        },
      ],
    });
    const { findings } = parseTrivyReport(sarif);
    expect(findings.map((f) => [f.category, f.severity])).toEqual([
      ['secret', 'critical'],
      ['misconfig', 'high'],
    ]);
    expect(findings[0]?.secretPreview).toBe('****');
  });

  it('legacy/image-alpine-3.9-trivy-v0.19.2.json: the pre-0.20 array of Results is parsed', () => {
    const { findings } = parseFixture('legacy/image-alpine-3.9-trivy-v0.19.2.json');
    expect(severityCounts(findings)).toEqual({ critical: 2, medium: 6, low: 2 });
    expect(findings.every((f) => f.category === 'container')).toBe(true);
  });

  it('legacy/image-debian-10-legacy-array.json: legacy array without Class, one UNKNOWN kept', () => {
    const { findings } = parseFixture('legacy/image-debian-10-legacy-array.json');
    expect(findings).toHaveLength(93);
    expect(severityCounts(findings)).toEqual({ high: 18, medium: 9, low: 65, unknown: 1 });
    expect(findings.every((f) => f.location.package?.ecosystem === 'debian')).toBe(true);
  });
});

describe('parseTrivyReport on bad input', () => {
  for (const [what, text] of Object.entries(GARBAGE_OUTPUTS)) {
    it(`refuses ${what} with a typed error naming trivy`, () => {
      let error: unknown;
      try {
        parseTrivyReport(text);
      } catch (e) {
        error = e;
      }
      expect(error instanceof ScannerOutputError || error instanceof UnsupportedFormatError).toBe(true);
      expect((error as ScannerOutputError).tool).toBe('trivy');
      expect((error as Error).message).toContain('trivy');
    });
  }
  it('refuses an unknown SchemaVersion as unsupported', () => {
    expect(() => parseTrivyReport('{"SchemaVersion": 3, "Results": []}')).toThrow(UnsupportedFormatError);
  });
  it('names the field at fault when a Result is malformed', () => {
    expect(() => parseTrivyReport('{"SchemaVersion": 2, "Results": [{"Target": 5}]}')).toThrow(/Results\.0\.Target/);
  });
  // Vulnerabilities pass a fast structural check before zod; it must refuse everything zod refuses.
  const good = { VulnerabilityID: 'CVE-1', PkgName: 'lodash', InstalledVersion: '1.0.0', Severity: 'HIGH' };
  const malformed: [string, Record<string, unknown>, RegExp][] = [
    ['a numeric id', { ...good, VulnerabilityID: 7 }, /Vulnerabilities|VulnerabilityID/],
    ['an empty package name', { ...good, PkgName: '' }, /PkgName/],
    ['a non-string reference', { ...good, References: ['https://x', 1] }, /References\.1/],
    ['a CWE string instead of a list', { ...good, CweIDs: 'CWE-79' }, /CweIDs/],
    ['a CVSS score as text', { ...good, CVSS: { nvd: { V3Score: '7.5' } } }, /CVSS\.nvd\.V3Score/],
    ['a numeric title', { ...good, Title: 5 }, /Title/],
  ];
  for (const [what, vulnerability, field] of malformed) {
    it(`names the field at fault for a vulnerability with ${what}`, () => {
      const text = JSON.stringify({ SchemaVersion: 2, Results: [{ Target: 'package-lock.json', Class: 'lang-pkgs', Type: 'npm', Vulnerabilities: [good, vulnerability] }] });
      expect(() => parseTrivyReport(text)).toThrow(ScannerOutputError);
      expect(() => parseTrivyReport(text)).toThrow(field);
      expect(() => parseTrivyReport(text)).toThrow(/vulnerability 1 of Result "package-lock.json"/);
    });
  }
  it('applies the schema defaults on the fast path (no InstalledVersion, no Severity)', () => {
    const text = JSON.stringify({ SchemaVersion: 2, Results: [{ Target: 'go.mod', Class: 'lang-pkgs', Type: 'gomod', Vulnerabilities: [{ VulnerabilityID: 'GO-1', PkgName: 'x' }] }] });
    expect(parseTrivyReport(text).findings[0]).toMatchObject({ severity: 'unknown', toolSeverity: 'UNKNOWN', location: { package: { version: '' } } });
  });
  it('reads a report with no Results as zero findings (a clean scan)', () => {
    expect(parseTrivyReport('{"SchemaVersion": 2, "ArtifactName": ".", "ArtifactType": "filesystem"}').findings).toEqual([]);
  });
});

describe('trivy adapters', () => {
  const target = { service: 'api', dir: '/repo/services/api', repoRoot: '/repo', options: {} };
  it('runs trivy fs on the service folder with JSON on stdout and exit code 0 for findings', () => {
    expect(trivyFsAdapter.command(target)).toEqual([
      'trivy', 'fs', '--format', 'json', '--quiet', '--exit-code', '0', '--scanners', 'vuln,misconfig,secret', '.',
    ]);
    expect(trivyFsAdapter.okExitCodes).toEqual([0]);
    expect(trivySecretAdapter.command(target)).toContain('secret');
    expect(trivySecretAdapter.category).toBe('secret');
  });
  it('scans an image by reference, and a docker save tarball through --input', () => {
    expect(trivyImageAdapter.command({ ...target, image: 'alpine:3.19' }).slice(-1)).toEqual(['alpine:3.19']);
    expect(trivyImageAdapter.command({ ...target, image: 'build/api.tar' }).slice(-2)).toEqual(['--input', '/repo/build/api.tar']);
    expect(() => trivyImageAdapter.command(target)).toThrow(/services\[\]\.image/);
  });
  it('says how to install trivy', async () => {
    const detection = await trivyFsAdapter.detect();
    expect(detection.installHint).toContain('https://aquasecurity.github.io/trivy');
    expect(detection.installHint).toContain('install-tools: true');
    if (detection.installed) expect(detection.version).toMatch(/\d+\.\d+/);
  });
  it('picks the fix on the installed major line first', () => {
    expect(upgradeHint('x', '4.1.0', ['6.0.1', '5.0.1', '4.1.1'])).toBe('upgrade x to 4.1.1 (or 6.0.1, 5.0.1)');
    expect(upgradeHint('x', '1.0.0', ['2.0.0'])).toBe('upgrade x to 2.0.0');
  });
});

// Large reports are read one Result and one vulnerability at a time (parseTrivyReportInPieces); the
// whole-document path is the fallback for every other shape and for bad input. Both must agree.
describe('parseTrivyReport reading a report in pieces', () => {
  const fixtures = [
    ...readdirSync(fixturePath('trivy')).filter((f) => /\.(json|sarif)$/.test(f)),
    ...readdirSync(fixturePath('trivy/legacy')).map((f) => `legacy/${f}`),
  ];
  const contexts = [{}, { image: 'registry.example/app:1' }, { repoRoot: '/repo', serviceDir: 'services/api' }];
  for (const name of fixtures) {
    const text = readFixture(`trivy/${name}`);
    const schemaVersion2 = !name.startsWith('legacy/') && !name.endsWith('.sarif');
    it(`${name}: ${schemaVersion2 ? 'read in pieces, the same findings as the whole document' : 'not a SchemaVersion 2 report: read whole'}`, () => {
      for (const ctx of contexts) {
        const pieces = parseTrivyReportInPieces(text, ctx);
        if (!schemaVersion2) {
          expect(pieces).toBeUndefined();
          continue;
        }
        expect(pieces).toBeDefined();
        expect(pieces).toStrictEqual(parseWholeTrivyReport(text, ctx));
        expect(parseTrivyReport(text, ctx)).toStrictEqual(pieces);
      }
    });
  }

  const vulnerability = (id: string, extra: Record<string, unknown> = {}) => ({
    VulnerabilityID: id,
    PkgName: 'lodash',
    InstalledVersion: '4.17.20',
    FixedVersion: '4.17.21',
    Severity: 'HIGH',
    ...extra,
  });
  const report = (results: unknown[], extra: Record<string, unknown> = {}) =>
    JSON.stringify({ SchemaVersion: 2, ArtifactName: '.', ArtifactType: 'filesystem', ...extra, Results: results });
  const lockfile = (vulnerabilities: unknown) => ({ Target: 'package-lock.json', Class: 'lang-pkgs', Type: 'npm', Vulnerabilities: vulnerabilities });

  const samePieces: [string, string][] = [
    [
      'strings holding quotes, backslashes, brackets and braces',
      report([
        lockfile([
          vulnerability('CVE-1', { Title: 'a "quoted" {title} [x]', Description: 'ends with a backslash \\' }),
          vulnerability('CVE-2', { Title: '\\"}]', References: ['https://x/?a=[1]', '}{'] }),
        ]),
      ]),
    ],
    ['pretty-printed with CRLF and tabs, a BOM and a trailing newline', `\uFEFF${JSON.stringify(JSON.parse(report([lockfile([vulnerability('CVE-1'), vulnerability('CVE-2')])])), null, '\t').replace(/\n/g, '\r\n')}\n`],
    ['Results without Vulnerabilities, with null and with an empty list', report([{ Target: 'a', Class: 'lang-pkgs', Type: 'npm' }, lockfile(null), lockfile([]), lockfile([vulnerability('CVE-3')])])],
    ['Results before the other members', JSON.stringify({ Results: [lockfile([vulnerability('CVE-1')])], SchemaVersion: 2, Trivy: { Version: '0.50.0' } })],
    ['non-ASCII text and escapes', report([lockfile([vulnerability('CVE-1', { Title: 'you\u2019ll need \u00e9 \ud83d\ude00 \n\t' })])])],
    ['a report with no Results', '{"SchemaVersion": 2, "Results": []}'],
  ];
  for (const [what, text] of samePieces) {
    it(`reads ${what} in pieces, as the whole document`, () => {
      const pieces = parseTrivyReportInPieces(text);
      expect(pieces).toBeDefined();
      expect(pieces).toStrictEqual(parseWholeTrivyReport(text));
    });
  }

  const wholeOnly: [string, string][] = [
    ['a repeated Results key (JSON.parse keeps the last)', `{"SchemaVersion": 2, "Results": [], "Results": [${JSON.stringify(lockfile([vulnerability('CVE-1')]))}]}`],
    ['an escaped Results key', `{"SchemaVersion": 2, "Re\\u0073ults": [${JSON.stringify(lockfile([vulnerability('CVE-1')]))}]}`],
    ['a report without Results', '{"SchemaVersion": 2, "ArtifactName": "."}'],
  ];
  for (const [what, text] of wholeOnly) {
    it(`leaves ${what} to the whole-document path`, () => {
      expect(parseTrivyReportInPieces(text)).toBeUndefined();
      expect(parseTrivyReport(text)).toStrictEqual(parseWholeTrivyReport(text));
    });
  }
  it('reads the last of two Results keys, as JSON.parse does', () => {
    const text = wholeOnly[0]![1];
    expect(parseTrivyReport(text).findings.map((f) => f.ruleId)).toEqual(['CVE-1']);
  });

  const good = report([lockfile([vulnerability('CVE-1'), vulnerability('CVE-2')])]);
  const broken: [string, string, RegExp][] = [
    ['a vulnerability cut short', good.replace('"CVE-2"', '"CVE-2'), /not JSON/],
    ['a missing comma between vulnerabilities', good.replace('},{"VulnerabilityID":"CVE-2"', '} {"VulnerabilityID":"CVE-2"'), /not JSON/],
    ['text after the report', `${good} {}`, /not JSON/],
    ['a misplaced bracket inside a vulnerability', good.replace('"Severity":"HIGH"}', '"Severity":"HIGH"]'), /not JSON/],
    ['a malformed vulnerability', good.replace('"PkgName":"lodash"', '"PkgName":7'), /vulnerability 0 of Result "package-lock.json".*PkgName/],
    ['a malformed Result', good.replace('"Target":"package-lock.json"', '"Target":5'), /Results\.0\.Target/],
    ['another SchemaVersion', good.replace('"SchemaVersion":2', '"SchemaVersion":3'), /SchemaVersion 2/],
  ];
  for (const [what, text, error] of broken) {
    it(`gives the whole-document error for ${what}`, () => {
      expect(parseTrivyReportInPieces(text)).toBeUndefined();
      expect(() => parseTrivyReport(text)).toThrow(error);
      expect(() => parseWholeTrivyReport(text)).toThrow(error);
    });
  }
});
