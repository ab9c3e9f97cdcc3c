import { describe, expect, it } from 'vitest';
import { ScannerOutputError, UnsupportedFormatError } from '../../src/errors.js';
import { ParsedFindingSchema } from '../../src/findings/finding.js';
import { parseSemgrepReport, semgrepAdapter } from '../../src/scanners/semgrep.js';
import { GARBAGE_OUTPUTS, readFixture, severityCounts } from './fixtures.js';

// semgrep JSON levels map through the table: ERROR -> high, WARNING -> medium, INFO -> info,
// LOW -> low. SARIF results without a level take their rule's defaultConfiguration.level
// (error -> high, warning -> medium), unless the rule has a security-severity, which wins.
function parseFixture(name: string, ctx = {}) {
  const result = parseSemgrepReport(readFixture(`semgrep/${name}`), ctx);
  for (const f of result.findings) ParsedFindingSchema.parse(f);
  return result;
}

describe('parseSemgrepReport on recorded semgrep JSON', () => {
  it('json-many-vulns-error-warning.json: ERROR and WARNING, string CWE metadata normalized', () => {
    const { findings, toolErrors } = parseFixture('json-many-vulns-error-warning.json');
    expect(severityCounts(findings)).toEqual({ high: 13, medium: 35 });
    expect(toolErrors).toEqual([]);
    expect(findings.every((f) => f.category === 'sast' && f.tool === 'semgrep')).toBe(true);
    const withCwe = findings.filter((f) => (f.cwe ?? []).length > 0);
    expect(withCwe.length).toBeGreaterThan(0);
    for (const f of withCwe) for (const c of f.cwe ?? []) expect(c).toMatch(/^CWE-\d+$/);
    expect(findings.some((f) => f.fix?.includes('fix_regex'))).toBe(true);
    expect(findings[0]).toMatchObject({ location: { path: 'tasks.py', startLine: 186, endLine: 186, startColumn: 39 } });
  });

  it('json-warning-info.json: WARNING and INFO, metadata references and an autofix', () => {
    const { findings } = parseFixture('json-warning-info.json');
    expect(severityCounts(findings)).toEqual({ medium: 2, info: 1 });
    const cbc = findings.find((f) => f.ruleId.endsWith('cbc-padding-oracle'));
    expect(cbc?.cwe).toEqual(['CWE-696']);
    expect(cbc?.references).toContain('https://capec.mitre.org/data/definitions/463.html');
    expect(cbc?.fixAvailable).toBe(true);
    expect(cbc?.fix).toContain('AES/GCM/NoPadding');
  });

  it('json-severity-low-semgrep-1.84.1.json: the LOW level, an absolute path kept when outside the repository', () => {
    const { findings, toolVersion } = parseFixture('json-severity-low-semgrep-1.84.1.json');
    expect(severityCounts(findings)).toEqual({ low: 3 });
    expect(toolVersion).toBe('1.84.1');
    const relative = parseFixture('json-severity-low-semgrep-1.84.1.json', {
      repoRoot: '/Users/user.example/git/company/full-codebase',
    }).findings;
    expect(relative[0]?.location.path).toBe('company/lead-magnet/src/templates/base.html.twig');
  });

  it('json-nosem-disable-nosem.json: nosemgrep lines kept by --disable-nosem are marked inline-suppressed', () => {
    const { findings } = parseFixture('json-nosem-disable-nosem.json');
    expect(severityCounts(findings)).toEqual({ medium: 28 });
    expect(findings.filter((f) => f.inlineSuppressed === true)).toHaveLength(21);
    expect(findings.filter((f) => f.inlineSuppressed === undefined)).toHaveLength(7);
  });

  it('json-paths.json: paths are made repository-relative under the service folder', () => {
    const { findings } = parseFixture('json-paths.json', { serviceDir: 'services/web' });
    expect(severityCounts(findings)).toEqual({ high: 14 });
    expect(findings.every((f) => f.location.path?.startsWith('services/web/targets/'))).toBe(true);
  });

  it('json-autofix-python-ranges.json: results carry their autofix; matched code is hashed, not copied', () => {
    const { findings } = parseFixture('json-autofix-python-ranges.json');
    expect(severityCounts(findings)).toEqual({ high: 9 });
    expect(findings[0]?.fix).toBe("replace with: bar('abc')");
    expect(findings.every((f) => /^[0-9a-f]{64}$/.test(f.matchHash ?? ''))).toBe(true);
    // The same code at another place hashes the same (the fingerprint survives moves).
    const moved = JSON.parse(readFixture('semgrep/json-autofix-python-ranges.json')) as {
      results: { start: { line: number }; end: { line: number }; extra: { lines: string } }[];
    };
    const first = moved.results[0]!;
    first.start.line += 40;
    first.end.line += 40;
    first.extra.lines = `    ${first.extra.lines}  `;
    expect(parseSemgrepReport(JSON.stringify(moved)).findings[0]?.matchHash).toBe(findings[0]?.matchHash);
  });

  it('json-errors-timeout.json: zero results but an error is surfaced as a toolError', () => {
    const { findings, toolErrors } = parseFixture('json-errors-timeout.json');
    expect(findings).toEqual([]);
    expect(toolErrors).toEqual([
      'warn: Timeout: Timeout when running rules.forcetimeout on targets/equivalence/open_redirect.py (targets/equivalence/open_redirect.py, rule rules.forcetimeout)',
    ]);
  });
});

describe('parseSemgrepReport on recorded semgrep SARIF', () => {
  it('sarif-semgrep-1.69.0-juice-shop.sarif: security-severity words win; notifications become toolErrors', () => {
    const { findings, toolErrors } = parseFixture('sarif-semgrep-1.69.0-juice-shop.sarif');
    // tool levels (inherited from rules): error 35, warning 42; the rules' security-severity:
    // CRITICAL 34, HIGH 1, MEDIUM 42.
    expect(severityCounts(findings)).toEqual({ critical: 34, high: 1, medium: 42 });
    expect(toolErrors).toHaveLength(31);
    expect(toolErrors[0]).toMatch(/^warning: Syntax error: Syntax error at line/);
    expect(findings.every((f) => f.category === 'sast' && f.tool === 'semgrep')).toBe(true);
    const cors = findings.find((f) => f.ruleId.endsWith('rule-generic-cors'));
    expect(cors?.cwe).toEqual(['CWE-346']);
    expect(cors?.title).toBe('Origin validation error');
  });

  it('sarif-rule-board.sarif: results without a level inherit the rule defaultConfiguration.level (error -> high)', () => {
    const { findings, toolErrors } = parseFixture('sarif-rule-board.sarif');
    expect(severityCounts(findings)).toEqual({ high: 3 });
    expect(findings.every((f) => f.toolSeverity === 'error')).toBe(true);
    expect(toolErrors).toEqual([]);
    expect(findings[0]?.location).toMatchObject({ path: 'targets/basic/stupid.py', startLine: 3, startColumn: 12 });
  });

  it('sarif-dataflow-traces.sarif: a result with codeFlows, level from its rule (warning -> medium)', () => {
    const { findings } = parseFixture('sarif-dataflow-traces.sarif');
    expect(severityCounts(findings)).toEqual({ medium: 1 });
    expect(findings[0]?.matchHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('sarif-when-errors.sarif: zero results and an error-level notification: a scanner error, not 0 findings', () => {
    expect(() => parseFixture('sarif-when-errors.sarif')).toThrow(/reported an error: SemgrepError: File not found/);
  });
});

describe('parseSemgrepReport on bad input', () => {
  for (const [what, text] of Object.entries(GARBAGE_OUTPUTS)) {
    it(`refuses ${what} with a typed error naming semgrep`, () => {
      let error: unknown;
      try {
        parseSemgrepReport(text);
      } catch (e) {
        error = e;
      }
      expect(error instanceof ScannerOutputError || error instanceof UnsupportedFormatError).toBe(true);
      expect((error as ScannerOutputError).tool).toBe('semgrep');
    });
  }
  it('names the result at fault', () => {
    expect(() => parseSemgrepReport('{"results": [{"check_id": "x", "path": "a.py"}]}')).toThrow(/results\.0\.start/);
  });
});

describe('semgrep adapter', () => {
  it('runs semgrep with JSON output, the configured rulesets and no metrics', () => {
    const argv = semgrepAdapter.command({ service: 'a', dir: '/r/a', repoRoot: '/r', options: { config: ['p/owasp-top-ten', 'rules/'] } });
    expect(argv).toEqual([
      'semgrep', 'scan', '--json', '--metrics', 'off', '--disable-version-check', '--quiet', '--disable-nosem',
      '--config', 'p/owasp-top-ten', '--config', 'rules/', '.',
    ]);
    expect(semgrepAdapter.okExitCodes).toEqual([0, 1]);
  });
});
