// runScan end to end: real child processes (the fake scanner printing real recorded SARIF), real
// recorded imports, suppressions, a baseline report and the gate, giving a validated ScanReport.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeConfig } from '../../src/config/load.js';
import { ConfigSchema, type RawGatehouseConfig } from '../../src/config/schema.js';
import { ConfigError } from '../../src/errors.js';
import { createMemoryLogger } from '../../src/logger.js';
import { ScanReportSchema } from '../../src/report/scan-report.js';
import { runScan, type ScanOptions, type ScanProgress } from '../../src/scan.js';

const FAKE = new URL('../fixtures/fake-scanner.mjs', import.meta.url).pathname;
const SHARED = new URL('../../../shared/fixtures/scanners/', import.meta.url).pathname;
const SEMGREP_SARIF = join(SHARED, 'semgrep/sarif-semgrep-1.69.0-juice-shop.sarif');
const RULE_BOARD_SARIF = join(SHARED, 'semgrep/sarif-rule-board.sarif');
const NPM_LOCK_TRIVY = join(SHARED, 'trivy/repo-npm-lockfile.json');
const NOW = new Date('2026-06-01T12:00:00Z');

function makeRepo(): string {
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-scan-'));
  for (const s of ['services/api', 'services/worker']) {
    mkdirSync(join(root, s), { recursive: true });
    writeFileSync(join(root, s, 'package.json'), '{}');
  }
  return root;
}

function config(raw: RawGatehouseConfig) {
  return ConfigSchema.parse(mergeConfig({ scanners: { dependency: [], secret: [], misconfig: [], ci: [] } }, raw));
}

const fakeSast = (...args: string[]) => ({ name: 'fake-sast', command: [process.execPath, FAKE, ...args] });

async function scan(raw: RawGatehouseConfig, options: Partial<ScanOptions> = {}, root = makeRepo()) {
  const logger = createMemoryLogger();
  const events: ScanProgress[] = [];
  const report = await runScan(
    { repoRoot: root, config: config(raw), kind: 'snapshot', now: NOW, scanId: 'test-scan', ...options },
    { logger, onProgress: (e) => events.push(e) },
  );
  return { report, events, logger, root };
}

describe('runScan', () => {
  it('fails the gate on high findings with reasons naming them, in a valid ScanReport', async () => {
    const { report, events } = await scan({ scanners: { sarif: [fakeSast('--print', SEMGREP_SARIF, '--exit', '1')] } });
    expect(ScanReportSchema.safeParse(report).success).toBe(true);
    expect(report).toMatchObject({ scanId: 'test-scan', kind: 'snapshot', createdAt: NOW.toISOString() });
    expect(report.services.map((s) => s.name)).toEqual(['api', 'worker']);
    expect(report.scanners.map((r) => [r.service, r.status])).toEqual([
      ['api', 'ok'],
      ['worker', 'ok'],
    ]);
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.gate.passed).toBe(false);
    expect(report.gate.outcome).toBe('failed');
    expect(report.gate.reasons.some((r) => r.kind === 'severity' && /high/.test(r.message))).toBe(true);
    expect(report.comparison).toEqual({ baseline: 'none', changedFiles: false });
    expect(events[0]).toEqual({ type: 'plan', services: ['api', 'worker'], runs: 2, scanners: 1 });
  });

  it('passes when the threshold is above every finding', async () => {
    const { report } = await scan({
      gate: { 'fail-on': 'critical' },
      scanners: { sarif: [fakeSast('--print', RULE_BOARD_SARIF, '--exit', '1')] },
    });
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.findings.every((f) => f.severity === 'high')).toBe(true);
    expect(report.gate).toMatchObject({ passed: true, outcome: 'passed', reasons: [] });
  });

  it('fails closed on a scanner error, with outcome scanner-error, unless on-scanner-error is warn', async () => {
    const failing = await scan({ scanners: { sarif: [fakeSast('--garbage')] } });
    expect(failing.report.gate).toMatchObject({ passed: false, outcome: 'scanner-error' });
    // the same failure in both services is one reason naming them
    expect(failing.report.gate.reasons.map((r) => [r.kind, r.services])).toEqual([['scanner-error', ['api', 'worker']]]);
    expect(JSON.stringify(failing.report)).not.toContain('Zx9yW8vU7tS6rQ5pO4nM3lK2jI1hG0fE9dC8');

    const warned = await scan({ gate: { 'on-scanner-error': 'warn' }, scanners: { sarif: [fakeSast('--garbage')] } });
    expect(warned.report.gate.passed).toBe(true);
    expect(warned.report.gate.warnings.join('\n')).toMatch(/fake-sast output is not valid/);
  });

  // "A scanner that crashes, exits non-zero, times out, prints garbage or is missing, a report file
  // of an unknown shape: each gives a clear message naming the culprit, and the gate fails (unless
  // on-scanner-error: warn)."
  const hangPid = () => join(mkdtempSync(join(tmpdir(), 'gatehouse-hang-')), 'pid');
  const unknownShapeReport = () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gatehouse-odd-')), 'odd.json');
    writeFileSync(file, '{"Scan": {"items": []}}');
    return file;
  };
  const FAILURES: [string, () => { raw: RawGatehouseConfig; imports?: Record<string, string> }, RegExp][] = [
    ['a crash', () => ({ raw: { scanners: { sarif: [fakeSast('--signal', 'SIGSEGV')] } } }), /fake-sast: crashed \(killed by SIGSEGV\)/],
    ['a non-zero exit', () => ({ raw: { scanners: { sarif: [fakeSast('--stderr', 'fatal: database is locked', '--exit', '9')] } } }), /fake-sast: exited with code 9 .*its database was locked/],
    ['a timeout', () => ({ raw: { 'scanner-timeout': 1, scanners: { sarif: [fakeSast('--hang', hangPid())] } } }), /fake-sast: timed out after 1 s/],
    ['garbage output', () => ({ raw: { scanners: { sarif: [fakeSast('--garbage')] } } }), /fake-sast output is not valid/],
    ['a missing tool', () => ({ raw: { scanners: { sarif: [{ name: 'fake-sast', command: ['gatehouse-no-such-tool'] }] } } }), /fake-sast is not installed .*to install/],
    ['an imported report of an unknown shape', () => ({ raw: {}, imports: { 'trivy-fs': unknownShapeReport() } }), /unsupported trivy report format/],
  ];
  for (const [what, setup, message] of FAILURES) {
    it(`fails the gate on ${what}, naming the scanner and the reason; on-scanner-error: warn makes it a warning`, async () => {
      const { raw, imports } = setup();
      const failing = await scan({ services: [{ name: 'api', path: 'services/api' }], ...raw }, { imports });
      expect(failing.report.gate).toMatchObject({ passed: false, outcome: 'scanner-error' });
      expect(failing.report.gate.reasons.length).toBeGreaterThan(0);
      for (const reason of failing.report.gate.reasons) {
        expect(reason).toMatchObject({ kind: 'scanner-error', service: expect.any(String) });
        expect(reason.message).toMatch(message);
        // the culprit first: "<scanner> (<category>) could not scan <service>: <reason>"
        expect(reason.message).toMatch(/^(fake-sast \(sast\)|trivy-fs \(dependency\)) could not scan \S+: /);
      }
      expect(failing.report.scanners.every((r) => r.status === 'error')).toBe(true);

      const { raw: raw2, imports: imports2 } = setup();
      const warned = await scan(
        { services: [{ name: 'api', path: 'services/api' }], ...raw2, gate: { 'on-scanner-error': 'warn' } },
        { imports: imports2 },
      );
      expect(warned.report.gate).toMatchObject({ passed: true, outcome: 'passed', reasons: [] });
      expect(warned.report.gate.warnings.some((w) => message.test(w) && w.includes('on-scanner-error: warn'))).toBe(true);
    });
  }

  it('narrows a PR scan to the services the change touched', async () => {
    const { report, logger } = await scan(
      { scanners: { sarif: [fakeSast('--print', SEMGREP_SARIF, '--exit', '1')] } },
      { kind: 'pr', changedFiles: ['services/worker/index.js', 'README.md'] },
    );
    expect(report.services.map((s) => s.name)).toEqual(['worker']);
    expect(report.scanners.map((r) => r.service)).toEqual(['worker']);
    expect(report.comparison.changedFiles).toBe(true);
    expect(logger.lines).toContain('2 changed files touch 1 of 2 services: worker');
  });

  it('compares with a baseline report: the same scan again introduces nothing and passes with new-only', async () => {
    const root = makeRepo();
    const raw = { scanners: { sarif: [fakeSast('--print', SEMGREP_SARIF, '--exit', '1')] } };
    const first = await scan(raw, {}, root);
    const second = await scan(raw, { kind: 'pr', baseline: { source: 'report', report: first.report } }, root);
    expect(second.report.comparison.baseline).toBe('report');
    expect(second.report.findings.length).toBe(first.report.findings.length);
    expect(second.report.findings.every((f) => f.status === 'existing')).toBe(true);
    expect(second.report.fixed).toEqual([]);
    expect(second.report.gate.passed).toBe(true);
  });

  it('lists as fixed what the baseline had and this scan no longer finds', async () => {
    const root = makeRepo();
    const before = await scan({ scanners: { sarif: [fakeSast('--print', SEMGREP_SARIF, '--exit', '1')] } }, {}, root);
    const emptySarif = join(root, 'empty.sarif');
    writeFileSync(emptySarif, JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'fake-sast', rules: [] } }, results: [] }] }));
    const after = await scan(
      { scanners: { sarif: [fakeSast('--print', emptySarif)] } },
      { baseline: { source: 'report', report: before.report } },
      root,
    );
    expect(after.report.findings).toEqual([]);
    expect(after.report.fixed.length).toBe(before.report.findings.length);
    expect(after.report.gate.passed).toBe(true);
  });

  it('suppresses by rule with a reason, and reports the suppression', async () => {
    const root = makeRepo();
    const { report } = await scan(
      {
        services: [{ name: 'api', path: 'services/api' }],
        scanners: { dependency: ['trivy-fs'] },
        suppressions: [{ rule: 'CVE-2019-11358', reason: 'not reachable', owner: 'team-a', expires: '2027-01-01' }],
      },
      { imports: { 'trivy-fs@api': NPM_LOCK_TRIVY } },
      root,
    );
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ ruleId: 'CVE-2019-11358', status: 'suppressed', service: 'api' });
    expect(report.suppressions).toEqual([
      expect.objectContaining({ reason: 'not reachable', state: 'active', matched: 1 }),
    ]);
    expect(report.gate.passed).toBe(true);
  });

  it('throws a ConfigError before running anything when a scanner id is unknown', async () => {
    const err = await scan({ scanners: { sast: ['semgrepp'] } }).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(/^scanners\.sast\[0\]: unknown scanner "semgrepp"/);
  });
});

// Issue 8 item 1: a failing scanner's stderr is never quoted. A tool that prints a password and an
// account key to stderr and exits 2: no part of that text may reach the report or any rendering.
describe('a failing scanner\'s stderr', () => {
  // Built at run time so this file holds no credential-shaped literal.
  const password = ['Hunter2', 'xYzQ8wLmN#9'].join('');
  const accountKey = ['Zm9vYmFy', 'c2VjcmV0a2V5MTIzNDU2Nzg5MA=='].join('');
  const stderr = `FATAL: login failed, password ${password} AccountKey=${accountKey}`;

  it('is never quoted in scanners[].error, gate reasons or any report format; the reason is in our words', async () => {
    const { report } = await scan({
      services: [{ name: 'api', path: 'services/api' }],
      scanners: { sarif: [fakeSast('--stderr', stderr, '--exit', '2')] },
    });
    const { renderText } = await import('../../src/reporters/text.js');
    const { renderJson } = await import('../../src/reporters/json.js');
    const { toSarif } = await import('../../src/reporters/sarif.js');
    const { renderMarkdown } = await import('../../src/reporters/markdown.js');
    const outputs = {
      report: JSON.stringify(report),
      text: renderText(report, { color: false, top: 100 }),
      json: renderJson(report),
      sarif: JSON.stringify(toSarif(report)),
      markdown: renderMarkdown(report),
    };
    for (const [name, output] of Object.entries(outputs)) {
      for (const piece of [password, password.slice(0, 7), accountKey.slice(0, 8), 'login failed', 'FATAL']) {
        expect(output.includes(piece), `${name} quotes "${piece}" from stderr`).toBe(false);
      }
    }
    expect(report.scanners[0].error).toBe(
      `fake-sast: exited with code 2 (expected 0 or 1); it printed ${Buffer.byteLength(stderr) + 1} bytes to stderr (not shown: a tool's output may hold secrets); an authentication or permission check failed`,
    );
    expect(report.gate.reasons[0].message).toContain('exited with code 2');
  });

  it('gives a classified hint for a known failure, in our words (the registry refusing the audit endpoint)', async () => {
    const { report } = await scan({
      services: [{ name: 'api', path: 'services/api' }],
      scanners: {
        sarif: [
          fakeSast(
            '--stderr',
            'npm warn audit 405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk\nnpm error audit endpoint returned an error',
            '--exit',
            '1',
          ),
        ],
      },
    });
    // exit 1 is fine for a SARIF tool; its empty stdout is the error, with the hint
    expect(report.scanners[0].status).toBe('error');
    expect(report.scanners[0].error).toContain('the registry refused the audit endpoint (HTTP 405)');
    expect(report.scanners[0].error).not.toContain('Method Not Allowed');
  });
});

// Issue 8 item 5: the category of a finding comes from what was scanned. trivy fs on a service that
// also has an `image:` scans the folder: its findings are dependencies with a lockfile path, so a
// per-category fail-on for dependencies applies to them.
describe('trivy fs on a service with an image', () => {
  it('reports dependency findings with their path, and categories.dependency.fail-on counts them', async () => {
    const root = makeRepo();
    const { report } = await scan(
      {
        services: [{ name: 'api', path: 'services/api', image: 'acme/api:1.0' }],
        gate: { 'fail-on': 'critical', categories: { dependency: { 'fail-on': 'medium' } } },
      },
      { imports: { 'trivy-fs@api': join(SHARED, 'trivy/fs-vulns-misconfig-secrets.json') } },
      root,
    );
    const vulns = report.findings.filter((f) => f.location.package);
    expect(vulns.length).toBe(2);
    for (const f of vulns) {
      expect(f.category).toBe('dependency');
      expect(f.location.path).toBe('services/api/requirements.txt');
      expect(f.location.image).toBeUndefined();
    }
    expect(report.gate.passed).toBe(false);
    expect(report.gate.reasons.some((r) => r.kind === 'severity' && /medium/.test(r.message))).toBe(true);
  });
});
