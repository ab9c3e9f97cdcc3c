// History scan (`--commits`): a generated repository of 10,000 commits (git fast-import), read with
// the scanner's streaming `git log -p` reader, every added line through the engine. Prints commits
// per second, MB/s of added lines (wall and CPU), git's own share, and that the planted secrets
// deleted later were found with their commits. `node --import tsx bench/secrets-history.bench.ts`
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FindingCollector } from '../src/scanners/gatehouse-secrets/collect.js';
import { SecretEngine } from '../src/scanners/gatehouse-secrets/engine.js';
import { scanHistory } from '../src/scanners/gatehouse-secrets/history.js';
import { createMatchHasher } from '../src/scanners/gatehouse-secrets/match-hash.js';
import { ALNUM, Random } from '../test/secrets/corpus-gen/values.js';

const COMMITS = Number(process.env.BENCH_COMMITS ?? 10_000);
const FILES = 1_000;
const LINES_PER_COMMIT = 6;
const SECRET_EVERY = 500;

const random = new Random(2026);
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-history-bench-'));
const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
const git = (args: string[], input?: string) => {
  const r = spawnSync('git', ['-C', dir, ...args], { env, input, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`git ${args[0]} failed: ${r.stderr}`);
  return r.stdout.toString();
};

const codeLine = (i: number, j: number) =>
  random.pick([
    `export function handler${i}_${j}(req: Request): Response { return json({ id: ${i}, ok: true }); }`,
    `const timeoutMs${j} = Number(process.env.TIMEOUT_MS ?? ${1000 + j});`,
    `  logger.info("processed batch", { batch: ${i}, size: items.length, key: cacheKey(${j}) });`,
    `# setting ${i}.${j}: see docs/config.md for the meaning of this value`,
    `    if (user.role === "admin" && !session.expired) return render("dashboard", { user });`,
    `  "name": "module-${i}-${j}", "version": "1.${j}.${i % 10}", "private": true,`,
  ]);

// --- Generate: one fast-import stream, each commit appends lines to one file of 1,000.
const t0 = performance.now();
const contents: string[] = Array.from({ length: FILES }, () => '');
const planted: { commit: number; path: string }[] = [];
let stream = '';
const stamp = 1_700_000_000;
for (let i = 1; i <= COMMITS; i++) {
  const f = (i * 7919) % FILES;
  const path = `src/pkg${f % 50}/mod${f}.ts`;
  const added = Array.from({ length: LINES_PER_COMMIT }, (_, j) => codeLine(i, j)).join('\n');
  contents[f] += `${added}\n`;
  let ops = `M 100644 inline ${path}\ndata ${Buffer.byteLength(contents[f])}\n${contents[f]}\n`;
  if (i % SECRET_EVERY === 0) {
    // A secret committed, deleted by the next commit.
    const body = `GH_TOKEN=ghp_${random.chars(ALNUM, 36)}\n`;
    ops += `M 100644 inline config/leak${i}.env\ndata ${Buffer.byteLength(body)}\n${body}\n`;
    planted.push({ commit: i, path: `config/leak${i}.env` });
  }
  if (i % SECRET_EVERY === 1 && i > 1) ops += `D config/leak${i - 1}.env\n`;
  const msg = `change ${i}`;
  stream += `commit refs/heads/main\nmark :${i}\ncommitter Bench <bench@example.invalid> ${stamp + i} +0000\ndata ${msg.length}\n${msg}\n${i > 1 ? `from :${i - 1}\n` : ''}${ops}\n`;
}
git(['init', '-q', '-b', 'main']);
git(['fast-import', '--quiet'], stream);
git(['checkout', '-q', 'main']);
const genMs = performance.now() - t0;
console.log(`generated repository   ${COMMITS} commits, ${FILES} files, ${planted.length} secrets committed and deleted, in ${(genMs / 1000).toFixed(1)} s`);

// --- git's own cost: the same log -p, output discarded.
const g0 = performance.now();
const raw = spawnSync('git', ['-C', dir, 'log', '-p', '--cc', '-U0', '-M', '--no-color', '--format=tformat:%x00%H%x00%cI', '--all'], { env, maxBuffer: 1 << 30 });
const gitMs = performance.now() - g0;
const diffBytes = raw.stdout.length;

// --- The scanner's history read.
const engine = new SecretEngine();
const collector = new FindingCollector(createMatchHasher('bench', 'env'));
const cpu0 = process.cpuUsage();
const s0 = performance.now();
const stats = await scanHistory({
  repoRoot: dir,
  range: 'all',
  dirFromRoot: '',
  dirAbs: dir,
  engine,
  collector,
  isSkipped: () => false,
  maxFileBytes: 5 * 1024 * 1024,
});
const wallMs = performance.now() - s0;
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000;
const findings = collector.findings();
const found = planted.filter((p) => findings.some((f) => f.path === p.path && f.commit)).length;
const mb = stats.bytesScanned / 1e6;

console.log(`history scan           ${stats.commits} commits read (--commits all)`);
console.log(`  wall                 ${(wallMs / 1000).toFixed(2)} s = ${Math.round(stats.commits / (wallMs / 1000))} commits/s`);
console.log(`  added lines scanned  ${mb.toFixed(1)} MB: ${(mb / (wallMs / 1000)).toFixed(1)} MB/s wall, ${(mb / (cpuMs / 1000)).toFixed(1)} MB/s per CPU second of this process (git's CPU not counted)`);
console.log(`  git log -p alone     ${(gitMs / 1000).toFixed(2)} s for ${(diffBytes / 1e6).toFixed(1)} MB of diff (the floor of any history reader)`);
console.log(`  planted secrets      ${found}/${planted.length} found with their commit (each deleted by the next commit)`);
console.log(`  findings             ${findings.length}`);
rmSync(dir, { recursive: true, force: true });
