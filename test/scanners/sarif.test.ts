import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ConfigError, ScannerError, ScannerOutputError, UnsupportedFormatError } from '../../src/errors.js';
import { ParsedFindingSchema } from '../../src/findings/finding.js';
import { createSarifAdapter, parseSarifLog } from '../../src/scanners/sarif.js';
import { GARBAGE_OUTPUTS, readFixture, severityCounts } from './fixtures.js';

const ctx = {};
function parseGeneric(text: string, category: 'sast' | 'secret' | 'dependency' = 'sast') {
  const result = parseSarifLog(text, { tool: 'any-tool', category, context: ctx });
  for (const f of result.findings) ParsedFindingSchema.parse(f);
  return result;
}

function log(results: unknown[], rules: unknown[] = [], extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'demo', version: '1.2.3', rules } }, results, ...extra }],
  });
}

// Every SARIF file in the fixtures, read by the generic adapter alone (no tool-specific touches):
// a security-severity property wins (numbers on the CVSS scale, words through the table), else the
// result's level, else the rule's defaultConfiguration.level, else warning (-> medium).
describe('parseSarifLog reads every recorded SARIF file generically', () => {
  it('trivy/image-alpine-3.10.sarif: security-severity "5.3" on every rule -> medium', () => {
    const { findings, toolVersion } = parseGeneric(readFixture('trivy/image-alpine-3.10.sarif'), 'dependency');
    expect(severityCounts(findings)).toEqual({ medium: 4 });
    expect(toolVersion).toBe('dev');
    expect(findings[0]?.toolSeverity).toBe('security-severity 5.3');
  });
  it('semgrep/sarif-semgrep-1.69.0-juice-shop.sarif: 77 results, 31 notifications', () => {
    const { findings, toolErrors } = parseGeneric(readFixture('semgrep/sarif-semgrep-1.69.0-juice-shop.sarif'));
    expect(severityCounts(findings)).toEqual({ critical: 34, high: 1, medium: 42 });
    expect(toolErrors).toHaveLength(31);
    expect(findings.every((f) => /^[0-9a-f]{64}$/.test(f.matchHash ?? ''))).toBe(true);
  });
  it('semgrep/sarif-rule-board.sarif: no level on results -> rule level error -> high', () => {
    expect(severityCounts(parseGeneric(readFixture('semgrep/sarif-rule-board.sarif')).findings)).toEqual({ high: 3 });
  });
  it('semgrep/sarif-dataflow-traces.sarif: rule level warning -> medium', () => {
    expect(severityCounts(parseGeneric(readFixture('semgrep/sarif-dataflow-traces.sarif')).findings)).toEqual({ medium: 1 });
  });
  it('semgrep/sarif-when-errors.sarif: an error-level notification is a scanner error even though executionSuccessful is true', () => {
    expect(() => parseGeneric(readFixture('semgrep/sarif-when-errors.sarif'))).toThrow(
      /reported an error: SemgrepError: File not found: targets\/basic\/inexistent\.py/,
    );
  });
  it('gitleaks/sarif-v8-simple.sarif: no level and no rule -> warning -> medium; as a secret the snippet is only hashed', () => {
    const result = parseGeneric(readFixture('gitleaks/sarif-v8-simple.sarif'), 'secret');
    expect(severityCounts(result.findings)).toEqual({ medium: 1 });
    expect(JSON.stringify(result)).not.toContain('a secret');
    expect(result.findings[0]?.secretPreview).toBe('****');
  });
  it('gitleaks/legacy/sarif-v7.sarif: 8 results without level -> medium', () => {
    const result = parseGeneric(readFixture('gitleaks/legacy/sarif-v7.sarif'), 'secret');
    expect(severityCounts(result.findings)).toEqual({ medium: 8 });
    expect(JSON.stringify(result)).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });
});

describe('parseSarifLog rules', () => {
  it('takes the level from the result, else the rule, else warning', () => {
    const { findings } = parseGeneric(
      log(
        [
          { ruleId: 'a', level: 'note', message: { text: 'm1' } },
          { ruleId: 'b', message: { text: 'm2' } },
          { ruleId: 'c', message: { text: 'm3' } },
          { ruleId: 'b', level: 'none', message: { text: 'm4' } },
        ],
        [{ id: 'a', defaultConfiguration: { level: 'error' } }, { id: 'b', defaultConfiguration: { level: 'error' } }, { id: 'c' }],
      ),
    );
    expect(findings.map((f) => f.severity)).toEqual(['low', 'high', 'medium', 'info']);
  });
  it('lets a numeric security-severity win over the level', () => {
    const { findings } = parseGeneric(
      log(
        [
          { ruleId: 'a', level: 'note', message: { text: 'x' } },
          { ruleId: 'a', level: 'note', message: { text: 'y' }, properties: { 'security-severity': '9.1' } },
        ],
        [{ id: 'a', properties: { 'security-severity': '7.5' } }],
      ),
    );
    expect(findings.map((f) => f.severity)).toEqual(['high', 'critical']);
  });
  it('reads location, CWE tags, help URI, fixes, inline suppressions and artifact indexes', () => {
    const { findings } = parseSarifLog(
      log(
        [
          {
            ruleIndex: 0,
            message: { text: 'bad thing' },
            locations: [{ physicalLocation: { artifactLocation: { index: 0 }, region: { startLine: 4, endLine: 5, snippet: { text: 'eval( x )' } } } }],
            suppressions: [{ kind: 'inSource' }],
            fixes: [{ description: { text: 'use JSON.parse' } }],
          },
        ],
        [{ id: 'js/eval', shortDescription: { text: 'No eval' }, helpUri: 'https://example.org/eval', properties: { tags: ['security', 'external/cwe/cwe-095'] } }],
        { artifacts: [{ location: { uri: 'file:///repo/src/app.js' } }] },
      ),
      { tool: 'codeql', category: 'sast', context: { repoRoot: '/repo' } },
    );
    expect(findings[0]).toMatchObject({
      ruleId: 'js/eval',
      title: 'No eval',
      location: { path: 'src/app.js', startLine: 4, endLine: 5 },
      cwe: ['CWE-95'],
      references: ['https://example.org/eval'],
      fixAvailable: true,
      fix: 'use JSON.parse',
      inlineSuppressed: true,
    });
    // Whitespace does not change the hash of the matched code.
    const again = parseSarifLog(
      log([{ ruleId: 'r', message: { text: 'm' }, locations: [{ physicalLocation: { region: { startLine: 90, snippet: { text: 'eval(\n  x )' } } } }] }]),
      { tool: 'codeql', category: 'sast', context: {} },
    );
    expect(again.findings[0]?.matchHash).toBe(findings[0]?.matchHash);
  });
  // Issue 8 item 4: a SARIF log that says nothing was scanned, or that the tool failed, is a scanner
  // error, never "0 findings".
  const failures: [string, string, RegExp][] = [
    ['an empty log (runs: [])', JSON.stringify({ version: '2.1.0', runs: [] }), /has no runs/],
    ['a run without results', JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'demo' } } }] }), /run 1 \(demo\) has no "results"/],
    ['a run with results: null', JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'demo' } }, results: null }] }), /run 1 \(demo\) has no "results"/],
    ['executionSuccessful: false', log([], [], { invocations: [{ executionSuccessful: false }] }), /demo reported an unsuccessful run \(executionSuccessful: false\)/],
    [
      'an error-level toolExecutionNotification',
      log([], [], { invocations: [{ executionSuccessful: true, toolExecutionNotifications: [{ level: 'error', message: { text: 'out of memory' } }] }] }),
      /demo reported an error: out of memory/,
    ],
    [
      'an error-level toolConfigurationNotification',
      log([], [], { invocations: [{ toolConfigurationNotifications: [{ level: 'error', descriptor: { id: 'CFG1' }, message: { text: 'no rules' } }] }] }),
      /demo reported an error: CFG1: no rules/,
    ],
  ];
  for (const [what, text, reason] of failures) {
    it(`refuses ${what} as a scanner error naming the tool`, () => {
      let error: unknown;
      try {
        parseGeneric(text);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ScannerError);
      expect((error as ScannerError).scanner).toBe('any-tool');
      expect((error as ScannerError).reason).toMatch(reason);
    });
  }
  it('reads results: [] as a clean run and warning-level notifications as toolErrors', () => {
    const { findings, toolErrors } = parseGeneric(
      log([], [], { invocations: [{ executionSuccessful: true, toolExecutionNotifications: [{ level: 'warning', message: { text: 'skipped a.py' } }] }] }),
    );
    expect(findings).toEqual([]);
    expect(toolErrors).toEqual(['warning: skipped a.py']);
  });
  it('refuses SARIF other than 2.1.0 as unsupported', () => {
    expect(() => parseGeneric(JSON.stringify({ version: '2.0.0', runs: [] }))).toThrow(UnsupportedFormatError);
  });
  for (const [what, text] of Object.entries(GARBAGE_OUTPUTS)) {
    it(`refuses ${what} with a typed error naming the tool`, () => {
      let error: unknown;
      try {
        parseGeneric(text);
      } catch (e) {
        error = e;
      }
      expect(error instanceof ScannerOutputError || error instanceof UnsupportedFormatError).toBe(true);
      expect((error as ScannerOutputError).tool).toBe('any-tool');
    });
  }
  it('names the field at fault in a malformed run', () => {
    expect(() => parseGeneric(JSON.stringify({ version: '2.1.0', runs: [{ tool: {} }] }))).toThrow(/runs\.0\.tool\.driver/);
  });
});

describe('createSarifAdapter (config scanners.sarif[] entries) with real child processes', () => {
  const sarifBody = log([{ ruleId: 'DL3008', level: 'warning', message: { text: 'Pin versions in apt get install' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'Dockerfile' }, region: { startLine: 3 } } }] }]);

  it('reads SARIF a command writes to stdout', async () => {
    const adapter = createSarifAdapter({ name: 'hadolint', category: 'misconfig', command: [process.execPath, '-e', `process.stdout.write(${JSON.stringify(sarifBody)})`] });
    expect(adapter).toMatchObject({ id: 'hadolint', tool: 'hadolint', category: 'misconfig', okExitCodes: [0, 1] });
    const [file, ...args] = adapter.command({ service: 'a', dir: '.', repoRoot: '.', options: {} });
    const run = await execa(file!, args, { reject: false });
    const result = adapter.parse({ stdout: run.stdout, stderr: run.stderr, exitCode: run.exitCode ?? -1 }, { serviceDir: 'services/worker' });
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({ tool: 'hadolint', category: 'misconfig', severity: 'medium', location: { path: 'services/worker/Dockerfile', startLine: 3 } });
  });

  it('reads SARIF a command writes to its output file, and fails clearly when the file is missing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-sarif-'));
    const adapter = createSarifAdapter({
      name: 'checkov',
      command: [process.execPath, '-e', `require('fs').writeFileSync('out.sarif', ${JSON.stringify(sarifBody)})`],
      output: 'out.sarif',
      'ok-exit-codes': [0],
    });
    const [file, ...args] = adapter.command({ service: 'a', dir, repoRoot: dir, options: {} });
    await execa(file!, args, { cwd: dir });
    const content = readFileSync(path.join(dir, 'out.sarif'), 'utf8');
    expect(adapter.parse({ stdout: '', stderr: '', exitCode: 0, files: { 'out.sarif': content } }, {}).findings).toHaveLength(1);
    expect(adapter.okExitCodes).toEqual([0]);
    expect(() => adapter.parse({ stdout: '', stderr: '', exitCode: 0, files: {} }, {})).toThrow(/did not write its SARIF file "out.sarif"/);
  });

  it('detects the command and says how to install it', async () => {
    const present = await createSarifAdapter({ name: 'n', command: [process.execPath] }).detect();
    expect(present).toMatchObject({ installed: true, version: process.versions.node });
    const missing = await createSarifAdapter({ name: 'm', command: ['gatehouse-missing-tool-xyz', 'scan'] }).detect();
    expect(missing.installed).toBe(false);
    expect(missing.installHint).toContain('gatehouse-missing-tool-xyz');
  });

  it('an import-only entry has no command to run', () => {
    const adapter = createSarifAdapter({ name: 'imported', import: 'report.sarif' });
    expect(() => adapter.command({ service: 'a', dir: '.', repoRoot: '.', options: {} })).toThrow(ConfigError);
  });
});
