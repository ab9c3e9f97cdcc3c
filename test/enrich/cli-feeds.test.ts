// The CLI with exploitation feeds, as a child process: --kev-file / --epss-file read files offline;
// `auto` without a network (a mirror URL nobody answers) is said and never fails the scan by itself.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ScanReportSchema } from '../../src/report/scan-report.js';
import { epssGz, KEV_FIXTURE } from './feed-files.js';

const REPO = new URL('../../', import.meta.url).pathname;

/** A repository whose npm lockfile has jquery 3.4.1, scanned by importing a trivy-shaped report. */
function repo(extraConfig = ''): { root: string; trivy: string } {
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-cli-feeds-'));
  mkdirSync(join(root, 'services/web'), { recursive: true });
  writeFileSync(join(root, 'services/web/package.json'), '{}');
  writeFileSync(join(root, '.gatehouse.yml'), `scanners:\n  dependency: [trivy-fs]\n  secret: []\ngate:\n  fail-on: critical\n${extraConfig}`);
  const trivy = join(root, 'trivy.json');
  writeFileSync(
    trivy,
    JSON.stringify({
      SchemaVersion: 2,
      ArtifactName: '.',
      ArtifactType: 'filesystem',
      Results: [
        {
          Target: 'services/web/package-lock.json',
          Class: 'lang-pkgs',
          Type: 'npm',
          Vulnerabilities: [{ VulnerabilityID: 'CVE-2020-11023', PkgName: 'jquery', InstalledVersion: '3.4.1', FixedVersion: '3.5.0', Severity: 'MEDIUM', Title: 'jquery XSS' }],
        },
      ],
    }),
  );
  return { root, trivy };
}

function gatehouse(args: string[], env: Record<string, string> = {}) {
  return execa(process.execPath, ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), ...args], {
    cwd: REPO,
    reject: false,
    env: { ...process.env, NO_COLOR: '1', GATEHOUSE_CACHE_DIR: mkdtempSync(join(tmpdir(), 'gh-cache-')), ...env },
  });
}

describe('gatehouse scan with KEV and EPSS', { timeout: 120_000 }, () => {
  it('--kev-file and --epss-file: a medium KEV finding fails the gate; every format says KEV and EPSS', async () => {
    const { root, trivy } = repo();
    const epss = join(root, 'epss.csv.gz');
    writeFileSync(epss, epssGz([['CVE-2020-11023', 0.3215, 0.9701]]));
    const out = join(root, 'out');
    const r = await gatehouse(['scan', root, '--import', `trivy-fs=${trivy}`, '--kev-file', KEV_FIXTURE, '--epss-file', epss, '--format', 'json,text,sarif,markdown', '--output-dir', out]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/CVE-2020-11023 in jquery 3\.4\.1 .*\[KEV, due 2025-02-13, EPSS 32% \(p97\)\]/);
    expect(r.stdout).toMatch(/upgrade jquery 3\.4\.1 -> 3\.5\.0: 1 medium, 1 KEV/);
    expect(r.stdout).toMatch(/KEV catalog 2025\.08\.25, \d+ days old \(1404 entries/);
    const report = ScanReportSchema.parse(JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(join(out, 'gatehouse-report.json'), 'utf8'))));
    expect(report.findings[0]!.kev).toMatchObject({ cve: 'CVE-2020-11023', ransomware: 'unknown' });
    expect(report.findings[0]!.epss).toEqual({ cve: 'CVE-2020-11023', probability: 0.3215, percentile: 0.9701 });
    expect(report.gate.reasons.map((x) => x.kind)).toEqual(['kev']);
    expect(report.remediation![0]).toMatchObject({ package: 'jquery', to: '3.5.0', kev: 1 });
    const fs = await import('node:fs');
    const sarif = JSON.parse(fs.readFileSync(join(out, 'gatehouse-report.sarif'), 'utf8'));
    expect(sarif.runs[0].results[0].properties).toMatchObject({ kev: true, kevRansomware: false, kevDueDate: '2025-02-13', epssProbability: 0.3215, epssPercentile: 0.9701 });
    const md = fs.readFileSync(join(out, 'gatehouse-report.md'), 'utf8');
    expect(md).toContain('**KEV, due 2025-02-13, EPSS 32% \\(p97\\)**');
  });

  it('auto without a network: said in the report, the gate falls back to severity, exit by severity alone', async () => {
    const { root, trivy } = repo('enrich:\n  kev-url: http://127.0.0.1:59999/kev.json\n  epss-url: http://127.0.0.1:59999/epss.csv.gz\n  timeout: 5\n');
    const r = await gatehouse(['scan', root, '--import', `trivy-fs=${trivy}`, '--format', 'json']);
    expect(r.exitCode).toBe(0);
    const report = ScanReportSchema.parse(JSON.parse(r.stdout));
    expect(report.enrichment!.feeds.map((f) => f.state)).toEqual(['unavailable', 'unavailable']);
    expect(report.enrichment!.feeds[0]!.note).toMatch(/download from http:\/\/127\.0\.0\.1:59999\/kev\.json failed: ECONNREFUSED/);
    expect(report.gate.warnings.join('\n')).toMatch(/gate\.kev could not apply: the KEV catalog is unavailable/);
    expect(r.stderr).toMatch(/KEV catalog unavailable: .*ECONNREFUSED.*\(the gate falls back to severity\)/);
  });
});
