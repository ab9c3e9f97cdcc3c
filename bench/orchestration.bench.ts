// Orchestration overhead with real child processes. Six "scanners" that sleep 0.3 to 1.0 s and then
// print a SARIF log with 5 results run on two services (12 child processes) through runScan, and
// are compared with the slowest scanner run alone through the same pipeline.
// Target (issue 2): total wall <= 1.1 x slowest alone + 0.2 s. Figures are printed, never asserted.
//
// Two kinds of scanner process, because on a 2-core machine the start-up CPU of the processes
// themselves dominates:
//   node:  `node -e` (each start costs ~0.1-0.2 s of CPU here, like a real Node/Python tool);
//   sh:    `/bin/sh -c "sleep D; cat FILE"` (starts in a millisecond), which isolates what the
//          engine itself adds.
// For each, "plain spawn" runs the same 12 commands with child_process.spawn and Promise.all and no
// Gatehouse at all: runScan minus that is the engine's own overhead.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ConfigSchema } from '../src/config/schema.js';
import { createMemoryLogger } from '../src/logger.js';
import { runScan } from '../src/scan.js';

const DELAYS_MS = [300, 450, 600, 750, 900, 1000];
const SERVICES = ['alpha', 'beta'];
const SAMPLES = 3;

function sarifLog(): string {
  const results = Array.from({ length: 5 }, (_, i) => ({
    ruleId: `bench-rule-${i}`,
    level: 'warning',
    message: { text: `bench finding ${i}` },
    locations: [
      { physicalLocation: { artifactLocation: { uri: `src/file${i}.js` }, region: { startLine: i + 1, snippet: { text: `call(${i})` } } } },
    ],
  }));
  return JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'bench', rules: [] } }, results }] });
}

const NODE_SCRIPT = `setTimeout(() => process.stdout.write(${JSON.stringify(sarifLog())}), Number(process.argv[1]));`;

type Kind = 'node' | 'sh';

function commandFor(kind: Kind, delayMs: number, sarifFile: string): string[] {
  return kind === 'node'
    ? [process.execPath, '-e', NODE_SCRIPT, String(delayMs)]
    : ['/bin/sh', '-c', `sleep ${delayMs / 1000}; cat "${sarifFile}"`];
}

function makeRepo(): { root: string; sarifFile: string } {
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-bench-orch-'));
  for (const s of SERVICES) {
    mkdirSync(join(root, 'services', s), { recursive: true });
    writeFileSync(join(root, 'services', s, 'package.json'), '{}');
  }
  const sarifFile = join(root, 'bench.sarif');
  writeFileSync(sarifFile, sarifLog());
  return { root, sarifFile };
}

async function scanWith(root: string, commands: string[][], services: string[], concurrency: number) {
  const config = ConfigSchema.parse({
    concurrency,
    services: services.map((name) => ({ name, path: `services/${name}` })),
    scanners: { dependency: [], secret: [], sarif: commands.map((command, i) => ({ name: `bench-${i}`, command })) },
  });
  const started = performance.now();
  const report = await runScan({ repoRoot: root, config, kind: 'snapshot' }, { logger: createMemoryLogger() });
  const wallMs = performance.now() - started;
  const errors = report.scanners.filter((s) => s.status === 'error');
  if (errors.length) throw new Error(`bench scanner failed: ${errors[0].error}`);
  return { wallMs, runs: report.scanners.length, findings: report.findings.length };
}

/** The same commands with no Gatehouse: spawn all (as runTool does), wait for all. */
async function plainSpawn(root: string, commands: string[][], services: string[]): Promise<number> {
  const started = performance.now();
  await Promise.all(
    services.flatMap((s) =>
      commands.map(
        ([file, ...args]) =>
          new Promise<void>((resolve) => {
            // detached like runTool (its own process group); measured here, non-detached node
            // children started about twice as slowly under load, which would flatter the engine.
            const child = spawn(file, args, { cwd: join(root, 'services', s), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
            child.stdout.resume();
            child.stderr.resume();
            child.on('close', () => resolve());
          }),
      ),
    ),
  );
  return performance.now() - started;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const s = (ms: number) => `${(ms / 1000).toFixed(3)} s`;

const { root, sarifFile } = makeRepo();
try {
  const runs = DELAYS_MS.length * SERVICES.length;
  console.log(`${DELAYS_MS.length} scanners sleeping ${DELAYS_MS.join('/')} ms on ${SERVICES.length} services = ${runs} child processes; median of ${SAMPLES}; 2 cores`);
  // Warm-up: module loading and the first spawn are not part of any figure.
  await scanWith(root, [commandFor('sh', 10, sarifFile)], [SERVICES[0]], 1);

  for (const kind of ['node', 'sh'] as const) {
    const all = DELAYS_MS.map((d) => commandFor(kind, d, sarifFile));
    const slowest = [commandFor(kind, Math.max(...DELAYS_MS), sarifFile)];
    const alone: number[] = [];
    const together: number[] = [];
    const plain: number[] = [];
    let findings = 0;
    for (let i = 0; i < SAMPLES; i++) {
      alone.push((await scanWith(root, slowest, [SERVICES[0]], 1)).wallMs);
      const r = await scanWith(root, all, SERVICES, runs);
      together.push(r.wallMs);
      findings = r.findings;
      plain.push(await plainSpawn(root, all, SERVICES));
    }
    const a = median(alone);
    const t = median(together);
    const p = median(plain);
    const target = 1.1 * a + 200;
    console.log(`\n[${kind} scanners]`);
    console.log(`  slowest scanner alone through runScan:   ${s(a)}`);
    console.log(`  all ${runs} runs through runScan (conc. ${runs}): ${s(t)}  (${findings} findings)`);
    console.log(`  target 1.1 x alone + 0.2 s:              ${s(target)}  -> ${t <= target ? 'met' : 'NOT met'}`);
    console.log(`  same ${runs} commands, plain spawn, no engine: ${s(p)}`);
    console.log(`  engine's own overhead (runScan - plain):  ${s(t - p)}`);
  }

  const defaultConcurrency = await scanWith(root, DELAYS_MS.map((d) => commandFor('sh', d, sarifFile)), SERVICES, 4);
  const floor = (DELAYS_MS.reduce((x, y) => x + y, 0) * SERVICES.length) / 4;
  console.log(`\n[sh scanners, default concurrency 4] ${s(defaultConcurrency.wallMs)} (ideal packing floor ${s(floor)})`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
