// Each code-scanning upload limit, crossed: 20 runs per file, 25,000 results per run, 10 MB gzipped,
// and one category per run.
import { randomBytes } from 'node:crypto';
import type * as sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import { fitSarifToLimits, SARIF_LIMITS } from '../../src/github/sarif-limits.js';

function run(tool: string, results: sarif.Result[], id = `gatehouse/${tool}/`): sarif.Run {
  return { tool: { driver: { name: tool, rules: [] } }, automationDetails: { id }, invocations: [{ executionSuccessful: true }], results };
}
const result = (severity: string, text = 'x'): sarif.Result => ({ ruleId: 'R', message: { text }, level: 'warning', properties: { severity } });
const log = (runs: sarif.Run[]): sarif.Log => ({ version: '2.1.0', runs });

describe('SARIF upload limits', () => {
  it('21 runs: 20 stay (the most severe), the dropped one is named', () => {
    const runs = Array.from({ length: 21 }, (_, i) => run(`tool${i}`, [result(i === 7 ? 'low' : 'high')]));
    const { log: fitted, notes } = fitSarifToLimits(log(runs));
    expect(fitted.runs).toHaveLength(SARIF_LIMITS.maxRuns);
    expect(fitted.runs.map((r) => r.tool.driver.name)).not.toContain('tool7');
    expect(notes.join('\n')).toMatch(/1 of 21 runs left out \(code scanning accepts 20 runs per file\): gatehouse\/tool7\//);
    expect(fitSarifToLimits(log(runs.slice(0, 20))).notes).toEqual([]);
  });

  it('25,001 results in a run: 25,000 stay, the lowest severity goes, and the run says so', () => {
    const results = [result('low'), ...Array.from({ length: 25_000 }, () => result('high'))];
    const { log: fitted, notes } = fitSarifToLimits(log([run('trivy', results)]));
    expect(fitted.runs[0].results).toHaveLength(25_000);
    expect(fitted.runs[0].results!.every((r) => (r.properties as { severity: string }).severity === 'high')).toBe(true);
    expect(JSON.stringify(fitted.runs[0].invocations)).toMatch(/1 lower-severity results were left out: code scanning accepts at most 25000/);
    expect(notes).toHaveLength(1);
  });

  it('over 10 MB gzipped: results are cut (worst kept) until the upload fits', () => {
    // Random text does not compress: ~7,600 results of 2,000 base64 characters are ~11 MB gzipped.
    const noise = randomBytes(11_400_000).toString('base64');
    const results = Array.from({ length: 7_600 }, (_, i) => result(i === 0 ? 'critical' : 'medium', noise.slice(i * 2000, i * 2000 + 2000)));
    const input = log([run('semgrep', results)]);
    const { log: fitted, notes, initialGzipBytes, gzipBytes } = fitSarifToLimits(input);
    expect(initialGzipBytes).toBeGreaterThan(SARIF_LIMITS.maxGzipBytes);
    expect(gzipBytes).toBeLessThanOrEqual(SARIF_LIMITS.maxGzipBytes);
    expect(gzipBytes).toBeGreaterThan(SARIF_LIMITS.maxGzipBytes / 2); // cut in proportion, not halved blindly
    expect(fitted.runs[0].results!.length).toBeGreaterThan(1000);
    expect((fitted.runs[0].results![0].properties as { severity: string }).severity).toBe('critical');
    expect(notes.join('\n')).toMatch(/results were left out to keep the upload under 10 MB gzipped/);
    expect(input.runs[0].results).toHaveLength(7_600); // the input is not changed
  });

  it('two runs of one category get distinct categories (code scanning no longer merges them)', () => {
    const { log: fitted } = fitSarifToLimits(log([run('trivy', [result('high')]), run('trivy', [result('low')]), run('gitleaks', [])]));
    expect(fitted.runs.map((r) => r.automationDetails?.id)).toEqual(['gatehouse/trivy/', 'gatehouse/trivy/2/', 'gatehouse/gitleaks/']);
  });
});
