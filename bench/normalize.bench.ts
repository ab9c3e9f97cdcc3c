// Normalizing a 100,000-finding trivy report: read the file, parseTrivyReport (JSON + shape checks +
// building findings), then normalizeFindings (validation, fingerprint, secret scrubbing, de-duplication).
// Target (issue 2): at most 2 s and 1 GiB peak RSS. Figures are printed, never asserted.
//
// The report is built from the real juice-shop image scan in ../shared/fixtures/scanners/trivy by
// repeating its Results with distinct package paths and vulnerability ids, so every finding is
// distinct. It is written to a temporary file and measured in fresh child processes (several runs:
// the machine is shared), so the peak RSS is that of reading + parsing + normalizing, not of building
// the input. The text stays referenced until the end, as it does in the engine (runner/run-scanners.ts
// keeps the ToolOutput while it parses and normalizes).
//
// `npm run bench -- normalize` (3 runs); GATEHOUSE_BENCH_RUNS=N for another number of runs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { normalizeFindings } from '../src/findings/normalize.js';
import { readReportFile } from '../src/scanners/report-input.js';
import { parseTrivyReport } from '../src/scanners/trivy.js';

const TARGET_FINDINGS = 100_000;
const TARGET_SECONDS = 2;
const TARGET_RSS_MIB = 1024;
const FIXTURE_NAME = 'image-juice-shop-v12.10.2.json';
const FIXTURE = new URL(`../../shared/fixtures/scanners/trivy/${FIXTURE_NAME}`, import.meta.url);
const IMAGE = 'bkimminich/juice-shop:v12.10.2';

interface TrivyResultLike {
  Target: string;
  Vulnerabilities?: { VulnerabilityID: string; PkgPath?: string; PkgName: string }[] | null;
  Secrets?: { RuleID: string }[] | null;
}

interface BuiltReport {
  text: string;
  findings: number;
  vulnerabilities: number;
  secrets: number;
  copies: number;
  perCopy: string;
}

function buildReport(): BuiltReport {
  const base = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { Results: TrivyResultLike[] };
  const vulnsPerCopy = base.Results.reduce((n, r) => n + (r.Vulnerabilities?.length ?? 0), 0);
  const secretsPerCopy = base.Results.reduce((n, r) => n + (r.Secrets?.length ?? 0), 0);
  const results: TrivyResultLike[] = [];
  let vulnerabilities = 0;
  let secrets = 0;
  let copies = 0;
  const count = () => vulnerabilities + secrets;
  for (let copy = 0; count() < TARGET_FINDINGS; copy++) {
    copies = copy + 1;
    for (const r of base.Results) {
      if (count() >= TARGET_FINDINGS) break;
      const vulns = (r.Vulnerabilities ?? []).slice(0, TARGET_FINDINGS - count()).map((v) => ({
        ...v,
        // Distinct per copy: another nested copy of the package, and (every other copy) another advisory.
        PkgPath: `copy-${copy}/${v.PkgPath ?? `node_modules/${v.PkgName}/package.json`}`,
        VulnerabilityID: copy % 2 === 0 ? v.VulnerabilityID : `${v.VulnerabilityID}-${copy}`,
      }));
      vulnerabilities += vulns.length;
      const found = (r.Secrets ?? []).slice(0, TARGET_FINDINGS - count()).map((s) => ({ ...s, RuleID: `${s.RuleID}-${copy}` }));
      secrets += found.length;
      results.push({ ...r, Vulnerabilities: vulns, Secrets: found });
    }
  }
  return {
    text: JSON.stringify({ ...base, Results: results }),
    findings: count(),
    vulnerabilities,
    secrets,
    copies,
    perCopy: `${vulnsPerCopy} vulnerabilities + ${secretsPerCopy} secrets`,
  };
}

interface RunFigures {
  wallMs: number;
  cpuMs: number;
  peakMiB: number;
  stages: { name: string; wallMs: number; cpuMs: number }[];
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(3)} s`;

/** One measured run, in its own process: prints its table and a last line `RESULT <json>` for the parent. */
async function measure(file: string, expected: number): Promise<void> {
  const stages: RunFigures['stages'] = [];
  const stage = async <T>(name: string, run: () => T | Promise<T>): Promise<T> => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const result = await run();
    const cpu = process.cpuUsage(cpu0);
    stages.push({ name, wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 });
    return result;
  };
  // readReportFile: the whole file decoded at once into a flat string. (fs/promises readFile with
  // 'utf8' gives a rope that JSON.parse first copies: +0.3 s and +480 MiB at the peak on this input.)
  const text = await stage('read file (readReportFile)', () => readReportFile(file));
  const parsed = await stage('parseTrivyReport', () => parseTrivyReport(text, { image: IMAGE }));
  const normalized = await stage('normalizeFindings', () => normalizeFindings(parsed.findings, { service: 'juice-shop' }));
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  if (parsed.findings.length !== expected || normalized.length !== expected) {
    console.error(`expected ${expected} findings, parsed ${parsed.findings.length}, normalized ${normalized.length}`);
    process.exit(1);
  }
  // The text is used here, so it stays alive through all stages (as in the engine).
  const textChars = text.length;
  const wallMs = stages.reduce((n, st) => n + st.wallMs, 0);
  const cpuMs = stages.reduce((n, st) => n + st.cpuMs, 0);
  // CPU time (all threads, incl. GC helpers) beside wall time: on a busy shared machine the wall time
  // includes waiting for a core.
  console.log(`  ${'stage'.padEnd(32)} ${'wall'.padStart(9)} ${'CPU'.padStart(9)}   (${textChars} chars read)`);
  for (const st of stages) console.log(`  ${st.name.padEnd(32)} ${seconds(st.wallMs).padStart(9)} ${seconds(st.cpuMs).padStart(9)}`);
  console.log(
    `  ${'total'.padEnd(32)} ${seconds(wallMs).padStart(9)} ${seconds(cpuMs).padStart(9)}   (target <= ${TARGET_SECONDS} s)` +
      `   peak RSS ${peakMiB.toFixed(0)} MiB (target <= ${TARGET_RSS_MIB} MiB)`,
  );
  const figures: RunFigures = { wallMs, cpuMs, peakMiB, stages };
  console.log(`RESULT ${JSON.stringify(figures)}`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function main(): void {
  const runs = Math.max(1, Number(process.env.GATEHOUSE_BENCH_RUNS ?? 3) || 3);
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  try {
    const report = buildReport();
    const file = join(dir, 'trivy-100k.json');
    writeFileSync(file, report.text);
    const mib = statSync(file).size / 2 ** 20;
    console.log(
      `input: ${report.findings} findings (${report.vulnerabilities} vulnerabilities, ${report.secrets} secrets) in ` +
        `${mib.toFixed(1)} MiB of trivy JSON: ${report.copies} copies of the Results of ${FIXTURE_NAME} ` +
        `(${report.perCopy} each; package paths and every other advisory id made distinct per copy)`,
    );
    console.log(`targets: total <= ${TARGET_SECONDS} s, peak RSS <= ${TARGET_RSS_MIB} MiB; ${runs} runs, each in a fresh process`);
    const all: RunFigures[] = [];
    for (let i = 1; i <= runs; i++) {
      console.log(`run ${i}/${runs}`);
      const self = fileURLToPath(import.meta.url);
      const child = spawnSync(process.execPath, ['--import', 'tsx', self, '--measure', file, String(report.findings)], {
        stdio: ['ignore', 'pipe', 'inherit'],
        encoding: 'utf8',
      });
      const lines = child.stdout.split('\n');
      for (const line of lines) if (line && !line.startsWith('RESULT ')) console.log(line);
      if (child.status !== 0) process.exit(child.status ?? 1);
      const result = lines.find((l) => l.startsWith('RESULT '));
      if (result) all.push(JSON.parse(result.slice('RESULT '.length)) as RunFigures);
    }
    const med = (pick: (r: RunFigures) => number) => median(all.map(pick));
    console.log(`median of ${all.length} runs:`);
    for (const [i, st] of all[0]!.stages.entries()) {
      console.log(
        `  ${st.name.padEnd(32)} ${seconds(med((r) => r.stages[i]!.wallMs)).padStart(9)} ${seconds(med((r) => r.stages[i]!.cpuMs)).padStart(9)}`,
      );
    }
    console.log(
      `  ${'total'.padEnd(32)} ${seconds(med((r) => r.wallMs)).padStart(9)} ${seconds(med((r) => r.cpuMs)).padStart(9)}   (target <= ${TARGET_SECONDS} s)` +
        `   peak RSS ${med((r) => r.peakMiB).toFixed(0)} MiB (target <= ${TARGET_RSS_MIB} MiB)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--measure') await measure(process.argv[3]!, Number(process.argv[4]));
else main();
