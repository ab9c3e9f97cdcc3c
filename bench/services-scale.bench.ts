// Scan time for 1 service vs 13 services over the same bytes (issue 9, point 7): the embedded
// scanners (secrets, CI workflow audit, deployment checks) read every service in one process each,
// so splitting a repository into more services should not multiply the cost.
// Figures are printed, never asserted. `node --import tsx bench/services-scale.bench.ts`
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigSchema } from '../src/config/schema.js';
import { createMemoryLogger } from '../src/logger.js';
import { runScan } from '../src/scan.js';

const TOTAL_BYTES = 2 * 1024 * 1024;
const FILES = 260; // 20 per service with 13 services
const SAMPLES = 3;

function content(i: number, bytes: number): string {
  const line = `export const value${i} = { name: "item-${i}", url: "https://example.com/${i}", enabled: true };\n`;
  return line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes);
}

function writeRepo(serviceCount: number): string {
  const root = mkdtempSync(join(tmpdir(), `gh-bench-svc${serviceCount}-`));
  const put = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const per = TOTAL_BYTES / FILES;
  for (let s = 0; s < serviceCount; s++) {
    put(`services/svc${s}/package.json`, '{}');
    put(`services/svc${s}/Dockerfile`, 'FROM node:20.11-slim\nUSER 1000\n');
  }
  for (let i = 0; i < FILES; i++) put(`services/svc${i % serviceCount}/src/file${i}.js`, content(i, per));
  return root;
}

async function time(root: string): Promise<{ ms: number; runs: number }> {
  const config = ConfigSchema.parse({ scanners: { dependency: [] } });
  const samples: number[] = [];
  let runs = 0;
  for (let i = 0; i < SAMPLES; i++) {
    const started = performance.now();
    const report = await runScan({ repoRoot: root, config, kind: 'snapshot' }, { logger: createMemoryLogger() });
    samples.push(performance.now() - started);
    runs = report.scanners.length;
  }
  samples.sort((a, b) => a - b);
  return { ms: samples[Math.floor(samples.length / 2)]!, runs };
}

const one = writeRepo(1);
const many = writeRepo(13);
try {
  const a = await time(one);
  const b = await time(many);
  console.log(`embedded scanners (secrets, ci, deploy) over ${(TOTAL_BYTES / 1024 / 1024).toFixed(1)} MB in ${FILES} files; median of ${SAMPLES}`);
  console.log(`   1 service : ${(a.ms / 1000).toFixed(2)} s (${a.runs} scanner runs in the report)`);
  console.log(`  13 services: ${(b.ms / 1000).toFixed(2)} s (${b.runs} scanner runs in the report, 3 child processes)`);
  console.log(`  ratio 13/1 : ${(b.ms / a.ms).toFixed(2)}x`);
} finally {
  rmSync(one, { recursive: true, force: true });
  rmSync(many, { recursive: true, force: true });
}
