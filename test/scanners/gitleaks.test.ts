import { describe, expect, it } from 'vitest';
import { ScannerOutputError, UnsupportedFormatError } from '../../src/errors.js';
import { ParsedFindingSchema } from '../../src/findings/finding.js';
import { sha256Hex } from '../../src/findings/redact.js';
import { gitleaksAdapter, parseGitleaksReport } from '../../src/scanners/gitleaks.js';
import { GARBAGE_OUTPUTS, readFixture, severityCounts } from './fixtures.js';

// gitleaks has no severity: every leak maps to high (SEVERITY_TABLE row "gitleaks"). The SARIF
// files' results have no level (PROVENANCE: warning*, which would be medium); Gatehouse maps them
// to high as well, so gitleaks JSON and SARIF agree.
function parseFixture(name: string, ctx = {}) {
  const result = parseGitleaksReport(readFixture(`gitleaks/${name}`), ctx);
  for (const f of result.findings) ParsedFindingSchema.parse(f);
  return result;
}

/** Every secret-bearing value a gitleaks fixture holds (v8 Secret/Match, v7 line/offender, SARIF snippets). */
function secretValues(name: string): string[] {
  const data = JSON.parse(readFixture(`gitleaks/${name}`)) as unknown;
  const values: string[] = [];
  const visit = (node: unknown, key?: string, parent?: string): void => {
    if (typeof node === 'string') {
      const secretField = key !== undefined && ['Secret', 'Match', 'line', 'offender'].includes(key);
      const snippet = key === 'text' && parent === 'snippet';
      if ((secretField || snippet) && !/^\*+$/.test(node)) values.push(node);
      return;
    }
    if (Array.isArray(node)) node.forEach((n) => visit(n, undefined, key));
    else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) visit(v, k, key);
  };
  visit(data);
  return values;
}

describe('parseGitleaksReport on recorded gitleaks output', () => {
  it('json-v8-simple.json: one leak, located, hashed and masked', () => {
    const { findings } = parseFixture('json-v8-simple.json', { serviceDir: 'services/auth' });
    expect(severityCounts(findings)).toEqual({ high: 1 });
    expect(findings[0]).toMatchObject({
      tool: 'gitleaks',
      category: 'secret',
      ruleId: 'test-rule',
      location: { path: 'services/auth/auth.py', startLine: 1, endLine: 2, startColumn: 1, endColumn: 2 },
      secretPreview: '****',
      matchHash: sha256Hex('a secret'),
      cwe: ['CWE-798'],
    });
  });

  it('json-v8-baseline-redacted.json: redacted values give distinct hashes from gitleaks fingerprints', () => {
    const { findings } = parseFixture('json-v8-baseline-redacted.json');
    expect(severityCounts(findings)).toEqual({ high: 2 });
    expect(findings.map((f) => f.ruleId)).toEqual(['pypi-upload-token', 'pypi-upload-token']);
    expect(findings[0]?.secretPreview).toBe('****');
    expect(findings[0]?.matchHash).not.toBe(findings[1]?.matchHash);
    expect(findings[0]?.message).toBe('PyPI upload token (pypi-upload-token) in detect/detect_test.go:32 at commit 9326f3538063');
  });

  it('json-v8-tags.json: older v8 output without Fingerprint', () => {
    const { findings } = parseFixture('json-v8-tags.json');
    expect(severityCounts(findings)).toEqual({ high: 3 });
    expect(findings.every((f) => f.ruleId === 'PKCS8-PK' && f.title === 'PKCS8 private key')).toBe(true);
  });

  it('json-v8-empty.json: no leaks is zero findings', () => {
    expect(parseFixture('json-v8-empty.json').findings).toEqual([]);
  });

  it('sarif-v8-simple.sarif: a rule missing from driver.rules, no level; the snippet is the secret', () => {
    const { findings } = parseFixture('sarif-v8-simple.sarif');
    expect(severityCounts(findings)).toEqual({ high: 1 });
    expect(findings[0]).toMatchObject({
      ruleId: 'test-rule',
      category: 'secret',
      location: { path: 'auth.py', startLine: 1, endLine: 2 },
      secretPreview: '****',
      // The same hash the JSON report gives for the same leak.
      matchHash: sha256Hex('a secret'),
    });
  });

  it('legacy/json-v7.6.1-with-config.json: v7 JSON is parsed (never zero findings)', () => {
    const { findings } = parseFixture('legacy/json-v7.6.1-with-config.json');
    expect(severityCounts(findings)).toEqual({ high: 5 });
    expect(findings.every((f) => f.ruleId === 'generic-credential' && f.title === 'Generic Credential')).toBe(true);
    expect(findings[0]).toMatchObject({ location: { path: 'secrets.py', startLine: 13 }, secretPreview: 'key_****' });
  });

  it('legacy/sarif-v7.sarif: v7 SARIF without ruleIds takes the rule from the message', () => {
    const { findings, toolVersion } = parseFixture('legacy/sarif-v7.sarif');
    expect(severityCounts(findings)).toEqual({ high: 8 });
    expect(toolVersion).toBe('v7.4.0');
    expect(findings[0]).toMatchObject({ ruleId: 'aws-access-key', title: 'AWS Access Key', secretPreview: 'AKIA****' });
    expect(findings[0]?.matchHash).toBe(sha256Hex('AKIAIOSFODNN7EXAMPLE'));
  });

  it('csv-v8-simple.csv: CSV is refused as an unsupported format', () => {
    expect(() => parseGitleaksReport(readFixture('gitleaks/csv-v8-simple.csv'))).toThrow(UnsupportedFormatError);
    expect(() => parseGitleaksReport(readFixture('gitleaks/csv-v8-simple.csv'))).toThrow(/--report-format json or sarif/);
  });

  it('config/gitleaks.toml: a rules file is not a report and is refused', () => {
    expect(() => parseGitleaksReport(readFixture('gitleaks/config/gitleaks.toml'))).toThrow(ScannerOutputError);
  });
});

describe('no secret value from a gitleaks report reaches a finding', () => {
  const files = [
    'json-v8-simple.json',
    'json-v8-tags.json',
    'sarif-v8-simple.sarif',
    'legacy/json-v7.6.1-with-config.json',
    'legacy/sarif-v7.sarif',
  ];
  for (const file of files) {
    it(`${file}: no Secret, Match, line or offender appears in the parse result`, () => {
      const text = JSON.stringify(parseFixture(file));
      const values = secretValues(file);
      expect(values.length).toBeGreaterThan(0);
      for (const value of values) expect(text).not.toContain(value);
      expect(text).not.toContain('AKIAIOSFODNN7EXAMPLE');
    });
  }
});

describe('parseGitleaksReport on bad input', () => {
  for (const [what, text] of Object.entries(GARBAGE_OUTPUTS)) {
    it(`refuses ${what} with a typed error naming gitleaks`, () => {
      let error: unknown;
      try {
        parseGitleaksReport(text);
      } catch (e) {
        error = e;
      }
      expect(error instanceof ScannerOutputError || error instanceof UnsupportedFormatError).toBe(true);
      expect((error as ScannerOutputError).tool).toBe('gitleaks');
    });
  }
  it('names the leak at fault', () => {
    expect(() => parseGitleaksReport('[{"File": 3}]')).toThrow(/0\.File/);
  });
});

describe('gitleaks adapter', () => {
  it('scans the service folder, JSON on stdout, exit 1 meaning leaks found', () => {
    const argv = gitleaksAdapter.command({ service: 'a', dir: '/r/a', repoRoot: '/r', options: {} });
    expect(argv.slice(0, 7)).toEqual(['gitleaks', 'dir', '.', '--report-format', 'json', '--report-path', '/dev/stdout']);
    expect(gitleaksAdapter.command({ service: 'a', dir: '/r/a', repoRoot: '/r', options: { mode: 'git' } })[1]).toBe('git');
    expect(gitleaksAdapter.okExitCodes).toEqual([0, 1]);
  });
});
