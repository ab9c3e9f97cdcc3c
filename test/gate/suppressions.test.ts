import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { applySuppressions, loadIgnoreFile, suppressionTimeState } from '../../src/gate/suppressions.js';
import { codeFinding, lodashFinding, trivyFindings } from './fixture-findings.js';

const NOW = new Date('2026-11-24T12:00:00Z');

describe('applySuppressions', () => {
  const findings = [...trivyFindings('fs-vulns-misconfig-secrets.json', 'api'), lodashFinding('payments')];

  it('suppresses by rule id and reports how many it matched', () => {
    const { findings: out, report } = applySuppressions(
      findings,
      [{ rule: 'CVE-2021-33503', reason: 'not reachable', owner: '@team-api', expires: '2027-06-30' }],
      NOW,
    );
    const hit = out.filter((f) => f.status === 'suppressed');
    expect(hit.map((f) => f.ruleId)).toEqual(['CVE-2021-33503']);
    expect(hit[0]!.suppression).toEqual({ source: 'config', reason: 'not reachable', owner: '@team-api', expires: '2027-06-30' });
    expect(report).toEqual([
      { id: 'rule=CVE-2021-33503', reason: 'not reachable', owner: '@team-api', expires: '2027-06-30', state: 'active', matched: 1 },
    ]);
  });

  it('needs every criterion it names: rule and path glob and service and package', () => {
    const s = (extra: object) => applySuppressions(findings, [{ rule: 'CVE-2021-23337', reason: 'r', ...extra }], NOW).report[0]!.matched;
    expect(s({ path: 'services/payments/**' })).toBe(1);
    expect(s({ path: 'services/api/**' })).toBe(0);
    expect(s({ service: 'payments', package: 'lodash' })).toBe(1);
    expect(s({ package: 'lodash@4.17.20' })).toBe(1);
    expect(s({ package: 'underscore' })).toBe(0);
    expect(s({ service: 'api' })).toBe(0);
  });

  it('suppresses by fingerprint and by path glob alone', () => {
    const target = findings.find((f) => f.category === 'misconfig')!;
    const byFp = applySuppressions(findings, [{ fingerprint: target.fingerprint, reason: 'accepted' }], NOW);
    expect(byFp.findings.filter((f) => f.status === 'suppressed').map((f) => f.fingerprint)).toEqual([target.fingerprint]);
    const byPath = applySuppressions(findings, [{ path: '**/requirements.txt', reason: 'python audit elsewhere' }], NOW);
    expect(byPath.report[0]!.matched).toBe(2);
  });

  it('lets an expired suppression count again, keeping its reference so the gate can name it', () => {
    const { findings: out, report } = applySuppressions(findings, [{ rule: 'CVE-2021-23337', reason: 'waiting for upstream', expires: '2026-11-01' }], NOW);
    const lodash = out.find((f) => f.ruleId === 'CVE-2021-23337')!;
    expect(lodash.status).toBe('introduced');
    expect(lodash.suppression?.expires).toBe('2026-11-01');
    expect(report[0]!.state).toBe('expired');
  });

  it('is valid through the whole of its expiry day and warns within 14 days', () => {
    expect(suppressionTimeState({ reason: 'r', rule: 'x', expires: '2026-11-24' }, NOW)).toBe('expiring');
    expect(suppressionTimeState({ reason: 'r', rule: 'x', expires: '2026-11-23' }, NOW)).toBe('expired');
    expect(suppressionTimeState({ reason: 'r', rule: 'x', expires: '2026-12-08' }, NOW)).toBe('expiring');
    expect(suppressionTimeState({ reason: 'r', rule: 'x', expires: '2026-12-09' }, NOW)).toBe('active');
    expect(suppressionTimeState({ reason: 'r', rule: 'x' }, NOW)).toBe('active');
  });

  it('reports a suppression that matches nothing as stale', () => {
    const { report } = applySuppressions(findings, [{ rule: 'CVE-1999-0001', reason: 'old' }], NOW);
    expect(report[0]).toMatchObject({ state: 'stale', matched: 0 });
  });

  it('honours inline markers with the tool marker as source', () => {
    const f = codeFinding('api', { inlineSuppressed: true });
    const { findings: out } = applySuppressions([f], [], NOW);
    expect(out[0]!.status).toBe('suppressed');
    expect(out[0]!.suppression?.source).toBe('nosemgrep');
  });

  it('does not report a suppression shadowed by another as stale', () => {
    const { report } = applySuppressions(
      findings,
      [
        { rule: 'CVE-2021-23337', reason: 'first' },
        { package: 'lodash', path: '**', reason: 'second' },
      ],
      NOW,
    );
    expect(report.map((r) => r.state)).toEqual(['active', 'active']);
  });
});

describe('loadIgnoreFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-ignore-'));

  it('reads a YAML list of suppressions and marks them as from the ignore file', () => {
    const file = join(dir, 'list.yml');
    writeFileSync(file, '- rule: CVE-2021-23337\n  reason: not reachable\n  owner: "@payments"\n  expires: 2027-01-31\n- path: "docs/**"\n  reason: examples\n');
    expect(loadIgnoreFile(file)).toEqual([
      { rule: 'CVE-2021-23337', reason: 'not reachable', owner: '@payments', expires: '2027-01-31', source: 'ignore-file' },
      { path: 'docs/**', reason: 'examples', source: 'ignore-file' },
    ]);
  });

  it('also reads a mapping with a suppressions key', () => {
    const file = join(dir, 'map.yml');
    writeFileSync(file, 'suppressions:\n  - rule: X\n    reason: y\n');
    expect(loadIgnoreFile(file)).toHaveLength(1);
  });

  it('returns no suppressions for a missing file', () => {
    expect(loadIgnoreFile(join(dir, 'absent.yml'))).toEqual([]);
  });

  it('names the file, the line and the field of a bad entry', () => {
    const file = join(dir, 'bad.yml');
    writeFileSync(file, '- rule: A\n  reason: ok\n- rule: B\n  reason: r\n  expires: next week\n');
    let error: unknown;
    try {
      loadIgnoreFile(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).details).toMatchObject({ file, line: 5, field: '1.expires' });
    expect((error as Error).message).toContain('YYYY-MM-DD');
  });

  it('rejects an entry without reason and invalid YAML with the line', () => {
    const noReason = join(dir, 'noreason.yml');
    writeFileSync(noReason, '- rule: A\n');
    expect(() => loadIgnoreFile(noReason)).toThrow(/reason/);
    const broken = join(dir, 'broken.yml');
    writeFileSync(broken, '- rule: A\n  reason: "unterminated\n');
    expect(() => loadIgnoreFile(broken)).toThrow(ConfigError);
  });
});
