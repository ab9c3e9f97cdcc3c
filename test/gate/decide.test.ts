import { describe, expect, it } from 'vitest';
import { ConfigSchema, type RawGatehouseConfig } from '../../src/config/schema.js';
import type { Finding } from '../../src/findings/finding.js';
import { applySuppressions } from '../../src/gate/suppressions.js';
import { decideGate, type DecideInput } from '../../src/gate/decide.js';
import type { ScannerRun } from '../../src/report/scan-report.js';
import { codeFinding, lodashFinding, trivyFindings } from './fixture-findings.js';

function gateOf(raw: RawGatehouseConfig['gate'] = {}) {
  return ConfigSchema.parse({ gate: raw }).gate;
}

function decide(findings: Finding[], overrides: Partial<DecideInput> = {}) {
  return decideGate({
    findings,
    scanners: [],
    gate: gateOf(),
    services: [],
    newOnly: true,
    suppressions: [],
    baseline: 'report',
    ...overrides,
  });
}

const run = (overrides: Partial<ScannerRun> = {}): ScannerRun => ({
  scanner: 'npm-audit',
  tool: 'npm-audit',
  category: 'dependency',
  service: 'payments',
  status: 'ok',
  durationMs: 1200,
  findingCount: 0,
  toolErrors: [],
  ...overrides,
});

describe('decideGate', () => {
  it('fails on a new high finding with a reason a developer can act on', () => {
    const lodash = lodashFinding('payments');
    const second = lodashFinding('payments', {
      ruleId: 'CVE-2020-8203',
      location: { path: 'services/payments/package-lock.json', package: { ecosystem: 'npm', name: 'lodash', version: '4.17.15', fixedVersions: ['4.17.19'] } },
    });
    const d = decide([lodash, second]);
    expect(d.passed).toBe(false);
    expect(d.outcome).toBe('failed');
    expect(d.reasons).toHaveLength(1);
    expect(d.reasons[0]).toMatchObject({ kind: 'severity', service: 'payments', severity: 'high' });
    expect(d.reasons[0]!.message).toBe(
      '2 new high findings in payments: CVE-2021-23337 in lodash 4.17.20 (fixed in 4.17.21), CVE-2020-8203 in lodash 4.17.15 (fixed in 4.17.19)',
    );
    expect(d.reasons[0]!.fingerprints).toEqual([lodash.fingerprint, second.fingerprint]);
    expect(d.counted.high).toBe(2);
  });

  it('passes with findings below fail-on (default high) and counts them', () => {
    const d = decide([codeFinding('api')]);
    expect(d).toMatchObject({ passed: true, outcome: 'passed', reasons: [] });
    expect(d.counted.medium).toBe(1);
  });

  it('gates a real trivy image scan: critical findings fail a critical gate, naming packages and fixes', () => {
    const image = trivyFindings('image-alpine-3.9.json', 'web');
    const d = decide(image, { gate: gateOf({ 'fail-on': 'critical' }) });
    expect(d.passed).toBe(false);
    expect(d.reasons).toHaveLength(1);
    expect(d.reasons[0]!.message).toMatch(/^2 new critical findings in web: CVE-\S+ in \S+ \S+ \(fixed in [^)]+\) in image /);
  });

  it('applies overrides: service beats category beats global', () => {
    const code = codeFinding('api'); // medium sast
    const gate = gateOf({ 'fail-on': 'critical', categories: { sast: { 'fail-on': 'medium' } } });
    expect(decide([code], { gate }).passed).toBe(false);
    expect(decide([code], { gate, services: [{ name: 'api', gate: { 'fail-on': 'high' } }] }).passed).toBe(true);
    expect(decide([code], { gate, services: [{ name: 'api', gate: { categories: { sast: { 'fail-on': 'low' } } } }] }).passed).toBe(false);
    expect(decide([code], { gate, services: [{ name: 'other', gate: { 'fail-on': 'critical' } }] }).passed).toBe(false);
  });

  it('fails when a max count per severity is exceeded, globally and per service', () => {
    const many = [1, 2, 3].map((i) => codeFinding('api', { ruleId: `rule-${i}` }));
    const global = decide(many, { gate: gateOf({ max: { medium: 2 } }) });
    expect(global.reasons.map((r) => r.kind)).toEqual(['max-count']);
    expect(global.reasons[0]!.message).toMatch(/^3 new medium findings exceed the limit of 2 \(gate.max.medium\)/);
    expect(decide(many, { gate: gateOf({ max: { medium: 3 } }) }).passed).toBe(true);
    const perService = decide(many, { services: [{ name: 'api', gate: { max: { medium: 0 } } }] });
    expect(perService.reasons[0]).toMatchObject({ kind: 'max-count', service: 'api' });
  });

  it('with fixable-only, ignores dependency findings without a fix but never code findings', () => {
    const unfixable = lodashFinding('payments', { fixAvailable: false, location: { path: 'p/package-lock.json', package: { ecosystem: 'npm', name: 'lodash', version: '4.17.20', fixedVersions: [] } } });
    const sast = codeFinding('api', { severity: 'high' });
    const d = decide([unfixable, sast], { gate: gateOf({ 'fixable-only': true }) });
    expect(d.reasons).toHaveLength(1);
    expect(d.reasons[0]!.service).toBe('api');
    expect(decide([unfixable]).passed).toBe(false);
  });

  it('with new-only counts only introduced findings; without it, every unsuppressed one', () => {
    const existing = { ...lodashFinding('payments'), status: 'existing' as const };
    const disclosed = { ...lodashFinding('billing'), status: 'newly-disclosed' as const };
    expect(decide([existing, disclosed]).passed).toBe(true);
    const all = decide([existing, disclosed], { newOnly: false });
    expect(all.reasons.map((r) => r.message)).toEqual([
      '1 high finding in payments: CVE-2021-23337 in lodash 4.17.20 (fixed in 4.17.21)',
      '1 high finding in billing: CVE-2021-23337 in lodash 4.17.20 (fixed in 4.17.21)',
    ]);
    const blocks = decide([existing, disclosed], { gate: gateOf({ 'newly-disclosed-blocks': true }) });
    expect(blocks.reasons.map((r) => r.service)).toEqual(['billing']);
  });

  it('never counts suppressed findings', () => {
    const s = { ...lodashFinding('payments'), status: 'suppressed' as const, suppression: { source: 'config', reason: 'r' } };
    expect(decide([s], { newOnly: false })).toMatchObject({ passed: true, counted: { high: 0 } });
  });

  it('fails closed on a scanner error, naming the scanner, service and error; outcome scanner-error', () => {
    const scanners = [run({ status: 'error', error: 'npm audit endpoint answered 405 Method Not Allowed' }), run({ scanner: 'semgrep', tool: 'semgrep', category: 'sast' })];
    const d = decide([], { scanners });
    expect(d).toMatchObject({ passed: false, outcome: 'scanner-error' });
    expect(d.reasons).toEqual([
      {
        kind: 'scanner-error',
        service: 'payments',
        message: 'npm-audit (dependency) could not scan payments: npm audit endpoint answered 405 Method Not Allowed',
        fingerprints: [],
      },
    ]);
    const mixed = decide([lodashFinding('payments')], { scanners });
    expect(mixed.outcome).toBe('failed');
  });

  it('only warns about a scanner error with on-scanner-error: warn', () => {
    const d = decide([], { scanners: [run({ status: 'error', error: 'timed out after 600 s' })], gate: gateOf({ 'on-scanner-error': 'warn' }) });
    expect(d.passed).toBe(true);
    expect(d.warnings[0]).toContain('npm-audit (dependency) could not scan payments: timed out after 600 s');
  });

  it('warns, without failing, when a scanner that ran reported errors of its own (its results may be incomplete)', () => {
    const semgrep = run({
      scanner: 'semgrep',
      tool: 'semgrep',
      category: 'sast',
      service: 'web',
      toolErrors: ['warn: Timeout: Timeout when running rules.forcetimeout on app.py', 'error: File not found: gone.py'],
    });
    const d = decide([], { scanners: [semgrep, run()] });
    expect(d.passed).toBe(true);
    expect(d.warnings).toEqual([
      'semgrep (sast) in web reported 2 problems of its own, so its results may be incomplete: warn: Timeout: Timeout when running rules.forcetimeout on app.py (and 1 more)',
    ]);
    // an imported report split over services: one warning naming them all
    const imported = (service: string) => run({ ...semgrep, service, status: 'imported', toolErrors: ['error: File not found: gone.py'] });
    expect(decide([], { scanners: [imported('web'), imported('api')] }).warnings).toEqual([
      'semgrep (sast) in web, api reported 1 problem of its own, so its results may be incomplete: error: File not found: gone.py',
    ]);
  });

  it('counts a finding whose suppression expired again, even an existing one, and says so', () => {
    const existing = { ...lodashFinding('payments'), status: 'existing' as const };
    const { findings, report } = applySuppressions(
      [existing],
      [{ rule: 'CVE-2021-23337', reason: 'waiting for upstream fix', owner: '@payments-team', expires: '2026-10-31' }],
      new Date('2026-11-24T00:00:00Z'),
    );
    const d = decide(findings, { suppressions: report });
    expect(d.passed).toBe(false);
    expect(d.reasons).toHaveLength(1);
    expect(d.reasons[0]!.kind).toBe('expired-suppression');
    expect(d.reasons[0]!.message).toBe(
      'suppression "rule=CVE-2021-23337" (owner @payments-team) expired on 2026-10-31 ("waiting for upstream fix"), so 1 finding counts again: CVE-2021-23337 in lodash 4.17.20 (fixed in 4.17.21). Fix it or renew the suppression with a new expiry date.',
    );
  });

  it('only warns when a finding whose suppression expired is below the threshold', () => {
    const { findings, report } = applySuppressions(
      [codeFinding('api')],
      [{ path: 'services/api/**', reason: 'legacy code', expires: '2026-01-31' }],
      new Date('2026-11-24T00:00:00Z'),
    );
    const d = decide(findings, { suppressions: report });
    expect(d.passed).toBe(true);
    expect(d.counted.medium).toBe(1);
    expect(d.warnings[0]).toBe(
      'a suppression of javascript.lang.security.audit.eval-detected in services/api/src/calc.js:12 expired on 2026-01-31; it is below the fail-on threshold, so it does not block.',
    );
  });

  it('warns about expiring and stale suppressions and a missing baseline without failing', () => {
    const d = decide([], {
      baseline: 'none',
      services: [{ name: 'api' }],
      suppressions: [
        { id: 'lodash-waiver', reason: 'r', owner: '@x', expires: '2026-12-01', state: 'expiring', matched: 1 },
        { id: 'rule=CVE-1999-0001', reason: 'r', state: 'stale', matched: 0 },
      ],
    });
    expect(d.passed).toBe(true);
    expect(d.warnings).toEqual([
      'suppression "lodash-waiver" expires on 2026-12-01 (owner @x): fix the finding or renew it.',
      'suppression "rule=CVE-1999-0001" matched no finding: remove it if the problem is gone.',
      'no baseline scan was available: findings in changed files count as introduced, the rest as existing.',
    ]);
  });

  it('says nothing of a missing baseline when the scan covered no service (a folder the change does not touch)', () => {
    expect(decide([], { baseline: 'none', services: [] }).warnings).toEqual([]);
  });

  it('lists at most three findings per reason, then "and N more"', () => {
    const many = [1, 2, 3, 4, 5].map((i) => codeFinding('api', { ruleId: `rule-${i}`, severity: 'high' }));
    expect(decide(many).reasons[0]!.message).toMatch(/^5 new high findings in api: rule-1 in .*, rule-3 in [^,]+, and 2 more$/);
  });
});

describe('findings in the table that did not count say why', () => {
  it("names a category's own fail-on, and findings a PR did not introduce", () => {
    const misconfig = { ...codeFinding('web', { category: 'misconfig', severity: 'high', ruleId: 'docker-root-user' }), status: 'introduced' as const };
    const old = { ...lodashFinding('payments'), status: 'existing' as const };
    const d = decide([misconfig, old], { gate: gateOf({ 'fail-on': 'high', categories: { misconfig: { 'fail-on': 'critical' } } }) });
    expect(d.passed).toBe(true);
    expect(d.warnings).toContainEqual(
      expect.stringMatching(/^1 high misconfig finding did not count: the misconfig category's own fail-on \(gate\.categories\.misconfig\.fail-on\) is critical \(docker-root-user/),
    );
    expect(d.warnings).toContainEqual('1 finding at or above high did not count: not introduced by this change (the gate counts new findings only; gate.new-only)');
  });

  it('says nothing when every finding at the threshold counted', () => {
    const high = { ...codeFinding('web', { severity: 'high' }), status: 'introduced' as const };
    const d = decide([high], { gate: gateOf({ 'fail-on': 'high' }) });
    expect(d.passed).toBe(false);
    expect(d.warnings.filter((w) => /did not count/.test(w))).toEqual([]);
  });
});
