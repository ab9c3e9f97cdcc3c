// A pass never comes from a configuration that read nothing or hid everything (issue 8 item 6):
// no scanner is a gate reason; an allow-path or a suppression that matches everything is named as
// such in every format; suppressions without expiry are listed as open-ended.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { renderReport } from '../../src/cli/formats.js';
import { ConfigSchema, type RawGatehouseConfig } from '../../src/config/schema.js';
import { globMatchesEverything, suppressionMatchesEverything } from '../../src/gate/policy-risks.js';
import { createMemoryLogger } from '../../src/logger.js';
import type { ScanReport } from '../../src/report/scan-report.js';
import { runScan } from '../../src/scan.js';

const TOKEN = `ghp_${'Z9y8X7w6V5'.repeat(3)}uvwxyz`;

/** Two services (no lockfile, no Dockerfile, no workflow); api holds a leaked token. */
function repo(): string {
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-policy-'));
  for (const [f, content] of Object.entries({
    'services/api/package.json': '{}',
    'services/api/config.js': `module.exports = { token: "${TOKEN}" };\n`,
    'services/web/package.json': '{}',
  })) {
    mkdirSync(join(root, f, '..'), { recursive: true });
    writeFileSync(join(root, f), content);
  }
  return root;
}

async function scan(raw: RawGatehouseConfig, kind: 'snapshot' | 'pr' = 'snapshot'): Promise<ScanReport> {
  return runScan({ repoRoot: repo(), config: ConfigSchema.parse(raw), kind, now: new Date('2026-12-01T00:00:00Z') }, { logger: createMemoryLogger() });
}

/** Every format as text: text, markdown (the PR comment), JSON, SARIF. */
function everyFormat(report: ScanReport): Record<'text' | 'markdown' | 'json' | 'sarif', string> {
  return {
    text: renderReport(report, 'text', { color: false }),
    markdown: renderReport(report, 'markdown', { color: false }).replace(/\\/g, ''),
    // JSON strings escape their quotes: compared as the text they hold.
    json: renderReport(report, 'json', { color: false }).replace(/\\"/g, '"'),
    sarif: renderReport(report, 'sarif', { color: false }).replace(/\\"/g, '"'),
  };
}

const OFF = { dependency: [], secret: [], misconfig: [], ci: [] };

describe('no scanner configured', () => {
  it('every scanner off: the gate fails with a reason, in every format', async () => {
    const report = await scan({ scanners: OFF });
    expect(report.gate.passed).toBe(false);
    expect(report.gate.outcome).toBe('failed');
    expect(report.gate.reasons).toEqual([expect.objectContaining({ kind: 'no-scanner', message: expect.stringContaining('no scanner is configured') })]);
    for (const [format, out] of Object.entries(everyFormat(report))) {
      expect(out, format).toContain('no scanner is configured');
    }
    const sarif = JSON.parse(renderReport(report, 'sarif', { color: false })) as { runs: { tool: { driver: { name: string } }; invocations: { executionSuccessful: boolean }[] }[] };
    expect(sarif.runs.find((r) => r.tool.driver.name === 'gatehouse')?.invocations[0]?.executionSuccessful).toBe(false);
  });

  it('scanners: {dependency: [], secret: []} on a repository without workflows or deployment files: the checks that ran read nothing, so it fails', async () => {
    const report = await scan({ scanners: { dependency: [], secret: [] } });
    expect([...new Set(report.scanners.map((r) => r.scanner))].sort()).toEqual(['gatehouse-ci', 'gatehouse-deploy']);
    const reason = report.gate.reasons.find((r) => r.kind === 'no-scanner');
    expect(reason?.message).toMatch(
      /^no scanner read anything: the scanners that ran \(gatehouse-deploy, gatehouse-ci\) found no file of theirs in api, web \(turned off: scanners\.dependency: \[\], scanners\.container: \[\], scanners\.sast: \[\], scanners\.secret: \[\]\), so nothing was scanned/,
    );
    expect(report.gate.passed).toBe(false);
    for (const [format, out] of Object.entries(everyFormat(report))) expect(out, format).toContain('no scanner read anything');
  });

  it('only a sarif tool that applies to nothing: "no scanner ran"', async () => {
    const report = await scan({ scanners: { ...OFF, container: ['trivy-image'] } });
    expect(report.gate.reasons).toEqual([expect.objectContaining({ kind: 'no-scanner', message: expect.stringMatching(/^no scanner ran: none of the configured scanners applies to api, web/) })]);
  });

  it('the CLI exits 1 (gate failed), not 0 with a warning on stderr', async () => {
    const root = repo();
    writeFileSync(join(root, '.gatehouse.yml'), 'scanners:\n  dependency: []\n  secret: []\n  misconfig: []\n  ci: []\n');
    const r = await execa(process.execPath, ['--import', 'tsx', new URL('../../src/cli/main.ts', import.meta.url).pathname, 'scan', root], {
      reject: false,
      cwd: new URL('../../', import.meta.url).pathname,
    });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('Gate failed');
    expect(r.stdout).toContain('no scanner is configured');
  });

  it('a pull request touching a service nothing reads fails too', async () => {
    const report = await runScan(
      { repoRoot: repo(), config: ConfigSchema.parse({ scanners: { dependency: [], secret: [] } }), kind: 'pr', changedFiles: ['services/api/config.js'] },
      { logger: createMemoryLogger() },
    );
    expect(report.gate.reasons.some((r) => r.kind === 'no-scanner')).toBe(true);
  });

  it('dependency and secret scanning both off while others run: a warning in text, markdown and JSON', async () => {
    const root = repo();
    writeFileSync(join(root, 'services/api/Dockerfile'), 'FROM node:20\n');
    const report = await runScan({ repoRoot: root, config: ConfigSchema.parse({ scanners: { dependency: [], secret: [] } }), kind: 'snapshot' }, { logger: createMemoryLogger() });
    expect(report.gate.reasons.some((r) => r.kind === 'no-scanner')).toBe(false);
    const { sarif: _sarif, ...formats } = everyFormat(report);
    for (const [format, out] of Object.entries(formats)) {
      expect(out, format).toContain('no dependency and no secret scanner is configured');
    }
  });
});

describe('settings that match everything', () => {
  it.each(['**', '**/*', '**/**', '{**,docs/**}', './**'])('%s matches everything', (glob) => {
    expect(globMatchesEverything(glob)).toBe(true);
  });

  it.each(['*', '*/**', 'test/**', '**/*.md', '**/fixtures/**', '!**', '[', ''])('%s does not', (glob) => {
    expect(globMatchesEverything(glob)).toBe(false);
  });

  it('a suppression matches everything only when nothing else narrows it', () => {
    expect(suppressionMatchesEverything({ path: '**' })).toBe(true);
    expect(suppressionMatchesEverything({ path: '**', service: 'api' })).toBe(true);
    expect(suppressionMatchesEverything({ path: '**', rule: 'CVE-1' })).toBe(false);
    expect(suppressionMatchesEverything({ path: 'test/**' })).toBe(false);
  });

  it('secrets.allow-paths ["**"] is named as matching every file in every format', async () => {
    const report = await scan({ scanners: { dependency: [] }, secrets: { 'allow-paths': ['**'] } });
    expect(report.findings.filter((f) => f.category === 'secret')).toEqual([]);
    expect(report.gate.policy).toContainEqual(expect.objectContaining({ kind: 'allow-everything', subject: '**' }));
    for (const [format, out] of Object.entries(everyFormat(report))) {
      expect(out, format).toContain('secrets.allow-paths "**" matches every file');
    }
  });

  it("the secret scanner's own with.allow-paths [\"**\"] is named as matching every file in every format", async () => {
    const report = await scan({ scanners: { dependency: [], secret: [{ use: 'gatehouse-secrets', with: { 'allow-paths': ['**'] } }] } });
    expect(report.findings.filter((f) => f.category === 'secret')).toEqual([]);
    expect(report.gate.policy).toContainEqual(expect.objectContaining({ kind: 'allow-everything', subject: '**' }));
    for (const [format, out] of Object.entries(everyFormat(report))) {
      expect(out, format).toContain('gatehouse-secrets with.allow-paths "**" matches every file');
    }
  });

  it('a suppression with path "**" is named as matching every finding in every format, and the token it hides is counted', async () => {
    const report = await scan({ scanners: { dependency: [] }, suppressions: [{ id: 'hide-all', path: '**', reason: 'noise', expires: '2027-01-31' }] });
    const token = report.findings.find((f) => f.category === 'secret');
    expect(token?.status).toBe('suppressed');
    expect(report.suppressions[0]).toMatchObject({ id: 'hide-all', matchesEverything: true });
    for (const [format, out] of Object.entries(everyFormat(report))) {
      expect(out, format).toMatch(/suppression "hide-all" matches every finding|hide-all: \*\*matches every finding/);
    }
    expect(everyFormat(report).markdown).toContain('suppression "hide-all" matches every finding');
  });
});

describe('open-ended suppressions', () => {
  it('are listed as open-ended in every format', async () => {
    const report = await scan({
      scanners: { dependency: [] },
      suppressions: [
        { id: 'forever', rule: 'CVE-2020-1', reason: 'r' },
        { id: 'dated', rule: 'CVE-2020-2', reason: 'r', expires: '2027-06-30' },
        { rule: 'CVE-2020-3', path: 'services/**', reason: 'r' },
      ],
    });
    expect(report.suppressions.map((s) => [s.id, s.openEnded ?? false])).toEqual([
      ['forever', true],
      ['dated', false],
      ['rule=CVE-2020-3 path=services/**', true],
    ]);
    for (const [format, out] of Object.entries(everyFormat(report))) {
      expect(out, format).toContain('2 suppressions have no expiry date (open-ended): "forever", "rule=CVE-2020-3 path=services/**"');
    }
    expect(everyFormat(report).markdown).toContain('- forever: matches nothing, remove it if the problem is gone; open-ended (no expiry date).');
  });
});
