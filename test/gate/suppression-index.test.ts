// The suppression index (fingerprint, rule, literal path; globs one by one with a folder prefilter)
// must decide exactly what trying every suppression on every finding decides: which suppression a
// finding names (the first in the list), which expired one makes it count again, and how many
// findings each matched (stale ones). A naive reference, on generated suppressions and findings.
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/finding.js';
import { applySuppressions, suppressionId, suppressionTimeState, type SourcedSuppression } from '../../src/gate/suppressions.js';

const NOW = new Date('2026-12-01T00:00:00Z');

function naive(findings: Finding[], suppressions: SourcedSuppression[]) {
  const matched = suppressions.map(() => 0);
  const named = findings.map((f) => {
    let active: number | undefined;
    let expired: number | undefined;
    suppressions.forEach((s, i) => {
      if (s.rule && s.rule.toLowerCase() !== f.ruleId.toLowerCase()) return;
      if (s.fingerprint && s.fingerprint !== f.fingerprint) return;
      if (s.service && s.service !== f.service) return;
      if (s.path && (!f.location.path || !picomatch(s.path.replace(/^\.\//, ''), { dot: true })(f.location.path))) return;
      matched[i]!++;
      if (suppressionTimeState(s, NOW) === 'expired') expired ??= i;
      else active ??= i;
    });
    return active !== undefined ? `active:${suppressionId(suppressions[active]!)}` : expired !== undefined ? `expired:${suppressionId(suppressions[expired]!)}` : 'none';
  });
  return { named, matched };
}

/** A small deterministic generator (no Math.random: a failure must be reproducible). */
function rng(seed: number) {
  let x = seed;
  return (n: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
}

const PATHS = ['services/api/src/a.js', 'services/api/test/b.js', 'services/web/src/c.ts', 'README.md', '.env', 'services/web/.env.production'];
const GLOBS = ['services/api/**', 'services/*/src/**', '**/*.js', '**', '!(README.md)', 'services/{api,web}/**', './services/web/**', '**/.env*', 'services/api/src/a.js', 'services/web'];

describe('the suppression index decides what trying every suppression decides', () => {
  it.each([1, 2, 3, 4, 5])('seed %i', (seed) => {
    const r = rng(seed);
    const findings: Finding[] = Array.from({ length: 300 }, () => ({
      tool: 'semgrep',
      category: 'sast',
      ruleId: `RULE-${r(8)}`,
      title: 't',
      severity: 'high',
      location: r(10) === 0 ? {} : { path: PATHS[r(PATHS.length)]!, startLine: 1 },
      cwe: [],
      references: [],
      fixAvailable: false,
      message: 'm',
      fingerprint: `fp${r(40)}`,
      service: ['api', 'web'][r(2)]!,
      status: 'introduced',
    }));
    const suppressions: SourcedSuppression[] = Array.from({ length: 120 }, (_, i) => {
      const s: SourcedSuppression = { id: `s${i}`, reason: `reason ${i}` };
      const kind = r(4);
      if (kind === 0) s.fingerprint = `fp${r(40)}`;
      if (kind <= 1 || r(3) === 0) s.rule = `${r(2) ? 'rule' : 'RULE'}-${r(8)}`;
      if (kind >= 2 || r(3) === 0) s.path = r(2) ? GLOBS[r(GLOBS.length)]! : PATHS[r(PATHS.length)]!;
      if (!s.rule && !s.fingerprint && !s.path) s.rule = 'RULE-1';
      if (r(4) === 0) s.service = ['api', 'web'][r(2)]!;
      if (r(3) === 0) s.expires = r(2) ? '2026-01-01' : '2030-01-01';
      return s;
    });
    const reference = naive(findings, suppressions);
    const { findings: out, report } = applySuppressions(findings, suppressions, NOW);
    // Compare through the report (matched counts per suppression) and the suppression each finding names.
    expect(report.map((s) => s.matched)).toEqual(reference.matched);
    const named = out.map((f) => {
      if (!f.suppression) return 'none';
      const id = suppressionId(suppressions.find((s) => s.reason === f.suppression!.reason)!);
      return `${f.status === 'suppressed' ? 'active' : 'expired'}:${id}`;
    });
    expect(named).toEqual(reference.named);
  });

  it('names the first suppression in the list when several match', () => {
    const f = { tool: 't', category: 'sast', ruleId: 'R', title: 't', severity: 'high', location: { path: 'services/api/a.js' }, cwe: [], references: [], fixAvailable: false, message: 'm', fingerprint: 'fp', service: 'api', status: 'introduced' } as Finding;
    const { findings } = applySuppressions([f], [
      { path: 'services/**', reason: 'first (a glob)' },
      { fingerprint: 'fp', reason: 'second (a fingerprint)' },
      { rule: 'r', reason: 'third (a rule)' },
    ], NOW);
    expect(findings[0]!.suppression?.reason).toBe('first (a glob)');
    const later = applySuppressions([f], [{ rule: 'r', reason: 'a rule' }, { fingerprint: 'fp', reason: 'a fingerprint' }], NOW);
    expect(later.findings[0]!.suppression?.reason).toBe('a rule');
  });
});
