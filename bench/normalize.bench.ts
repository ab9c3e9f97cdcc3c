// Normalizing a 100,000-finding trivy report: read the file, parseTrivyReport (JSON + schema check),
// then normalizeFindings (zod validation, fingerprint, secret scrubbing, de-duplication).
// Target (issue 2): at most 2 s wall and 1 GiB peak RSS. Figures are printed, never asserted.
//
// The report is built from the real juice-shop image scan in ../shared/fixtures/scanners/trivy by
// repeating its Results with distinct package paths and vulnerability ids, so every finding is
// distinct. It is written to a temporary file and measured in a fresh child process, so the peak
// RSS is that of reading + parsing + normalizing, not of building the input.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { normalizeFindings } from '../src/findings/normalize.js';
import { parseTrivyReport } from '../src/scanners/trivy.js';

const TARGET_FINDINGS = 100_000;
const FIXTURE = new URL('../../shared/fixtures/scanners/trivy/image-juice-shop-v12.10.2.json', import.meta.url);

interface TrivyResultLike {
  Target: string;
  Vulnerabilities?: { VulnerabilityID: string; PkgPath?: string; PkgName: string }[] | null;
  Secrets?: { RuleID: string }[] | null;
}

function buildReport(): { text: string; findings: number } {
  const base = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { Results: TrivyResultLike[] };
  const results: TrivyResultLike[] = [];
  let count = 0;
  for (let copy = 0; count < TARGET_FINDINGS; copy++) {
    for (const r of base.Results) {
      if (count >= TARGET_FINDINGS) break;
      const vulns = (r.Vulnerabilities ?? []).slice(0, TARGET_FINDINGS - count).map((v) => ({
        ...v,
        // Distinct per copy: another nested copy of the package, and (every other copy) another advisory.
        PkgPath: `copy-${copy}/${v.PkgPath ?? `node_modules/${v.PkgName}/package.json`}`,
        VulnerabilityID: copy % 2 === 0 ? v.VulnerabilityID : `${v.VulnerabilityID}-${copy}`,
      }));
      count += vulns.length;
      const secrets = (r.Secrets ?? []).slice(0, TARGET_FINDINGS - count).map((s) => ({ ...s, RuleID: `${s.RuleID}-${copy}` }));
      count += secrets.length;
      results.push({ ...r, Vulnerabilities: vulns, Secrets: secrets });
    }
  }
  return { text: JSON.stringify({ ...base, Results: results }), findings: count };
}

function measure(file: string, expected: number): void {
  const stages: { name: string; wallMs: number; cpuMs: number }[] = [];
  const stage = <T>(name: string, run: () => T): T => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const result = run();
    const cpu = process.cpuUsage(cpu0);
    stages.push({ name, wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 });
    return result;
  };
  const text = stage('read file', () => readFileSync(file, 'utf8'));
  const parsed = stage('parseTrivyReport (JSON + schema)', () => parseTrivyReport(text, { image: 'bkimminich/juice-shop:v12.10.2' }));
  const normalized = stage('normalizeFindings (zod, fingerprint, scrub)', () => normalizeFindings(parsed.findings, { service: 'juice-shop' }));
  const peakMiB = process.resourceUsage().maxRSS / 1024;

  const s = (ms: number) => `${(ms / 1000).toFixed(3)} s`;
  console.log(`input: ${(text.length / 2 ** 20).toFixed(1)} MiB of trivy JSON, ${expected} findings`);
  console.log(`parsed ${parsed.findings.length}, normalized ${normalized.length} (distinct fingerprints)`);
  // CPU time (all threads, incl. GC helpers) beside wall time: on a busy shared machine the wall
  // time includes waiting for a core.
  console.log(`${'stage'.padEnd(46)} ${'wall'.padStart(9)} ${'CPU'.padStart(9)}`);
  for (const st of stages) console.log(`${st.name.padEnd(46)} ${s(st.wallMs).padStart(9)} ${s(st.cpuMs).padStart(9)}`);
  const wall = stages.reduce((n, st) => n + st.wallMs, 0);
  const cpu = stages.reduce((n, st) => n + st.cpuMs, 0);
  console.log(`${'total'.padEnd(46)} ${s(wall).padStart(9)} ${s(cpu).padStart(9)}   (target: wall <= 2 s)`);
  console.log(`peak RSS: ${peakMiB.toFixed(0)} MiB   (target <= 1024 MiB)`);
}

const self = fileURLToPath(import.meta.url);
if (process.argv[2] === '--measure') {
  measure(process.argv[3]!, Number(process.argv[4]));
} else {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  try {
    const { text, findings } = buildReport();
    const file = join(dir, 'trivy-100k.json');
    writeFileSync(file, text);
    const child = spawnSync(process.execPath, ['--import', 'tsx', self, '--measure', file, String(findings)], { stdio: 'inherit' });
    if (child.status !== 0) process.exit(child.status ?? 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
