// The CLI end to end as a child process (`node --import tsx src/cli/main.ts ...`): exit codes
// 0 passed, 1 gate failed, 2 usage/config error, 3 scanner error, with their messages and files.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ScanReportSchema } from '../../src/report/scan-report.js';
import { sarifSchemaErrors } from '../reporters/sarif-validate.js';

const REPO = new URL('../../', import.meta.url).pathname;
const FAKE = new URL('../fixtures/fake-scanner.mjs', import.meta.url).pathname;
const SHARED = new URL('../../../shared/fixtures/scanners/', import.meta.url).pathname;
const JUICE_SHOP_SARIF = join(SHARED, 'semgrep/sarif-semgrep-1.69.0-juice-shop.sarif');

function gatehouse(args: string[], opts: { input?: string; env?: Record<string, string>; cwd?: string } = {}) {
  // From another working directory `--import tsx` would not resolve: run bin/gatehouse.js, as npx does.
  const entry = opts.cwd ? [join(REPO, 'bin/gatehouse.js')] : ['--import', 'tsx', join(REPO, 'src/cli/main.ts')];
  return execa(process.execPath, [...entry, ...args], {
    cwd: opts.cwd ?? REPO,
    reject: false,
    input: opts.input,
    // the test runner's own colour settings must not leak into the child
    env: { ...withoutColorVars(process.env), ...opts.env },
    extendEnv: false,
    stripFinalNewline: false,
  });
}

function withoutColorVars(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && k !== 'NO_COLOR' && k !== 'FORCE_COLOR') out[k] = v;
  return out;
}

/** A repository with one service and a config whose only scanner is the fake one with `args`. */
function repoWithFakeScanner(args: string[], extraConfig = ''): string {
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-cli-'));
  mkdirSync(join(root, 'services/api'), { recursive: true });
  writeFileSync(join(root, 'services/api/package.json'), '{}');
  const command = JSON.stringify([process.execPath, FAKE, ...args]);
  writeFileSync(
    join(root, '.gatehouse.yml'),
    `scanners:\n  dependency: []\n  secret: []\n  misconfig: []\n  ci: []\n  sarif:\n    - name: fake-sast\n      command: ${command}\n${extraConfig}`,
  );
  return root;
}

const emptySarif = () => {
  const file = join(mkdtempSync(join(tmpdir(), 'gatehouse-sarif-')), 'empty.sarif');
  writeFileSync(file, JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'fake-sast' } }, results: [] }] }));
  return file;
};

describe('gatehouse scan', () => {
  it('exits 0 when the gate passes and prints the text report', async () => {
    const root = repoWithFakeScanner(['--print', emptySarif()]);
    const r = await gatehouse(['scan', root]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Gate passed');
    // Opening and closing lines count alike; the run's line is the Scanners table's, said once.
    expect(r.stderr).toContain('gatehouse: 1 scanner on 2 services (api, (root))');
    expect(r.stderr).toMatch(/gatehouse: gate passed; 0 findings; 1 scanner in \d+\.\d\d s/);
    expect(r.stdout).toMatch(/ok fake-sast +api +\d+\.\d\d s +0 findings/);
    expect(r.stderr).not.toContain('✓ fake-sast');
    // With another format on stdout, the progress line is the only one
    const json = await gatehouse(['scan', root, '--format', 'json']);
    expect(json.stderr).toMatch(/✓ fake-sast \[api\] \d+\.\d\d s 0 findings/);
    expect(r.stderr).not.toMatch(/\x1b\[/); // not a TTY: no colour
  });

  it('exits 1 when the gate fails, with reasons naming findings', async () => {
    const root = repoWithFakeScanner(['--print', JUICE_SHOP_SARIF, '--exit', '1']);
    const r = await gatehouse(['scan', root]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('Gate failed');
    expect(r.stdout).toMatch(/critical findings? in api: /);
    expect(r.stderr).toMatch(/gatehouse: gate failed \(\d+ reasons?\)/);
  });

  it('--fail-on overrides the config threshold', async () => {
    const root = repoWithFakeScanner(['--print', join(SHARED, 'semgrep/sarif-rule-board.sarif'), '--exit', '1']);
    expect((await gatehouse(['scan', root])).exitCode).toBe(1);
    expect((await gatehouse(['scan', root, '--fail-on', 'critical'])).exitCode).toBe(0);
  });

  it('--config reads another config file instead of <dir>/.gatehouse.yml', async () => {
    const root = repoWithFakeScanner(['--print', join(SHARED, 'semgrep/sarif-rule-board.sarif'), '--exit', '1']);
    expect((await gatehouse(['scan', root])).exitCode).toBe(1); // 3 high findings, fail-on high
    const alt = join(mkdtempSync(join(tmpdir(), 'gatehouse-alt-')), 'lenient.yml');
    writeFileSync(alt, `${readFileSync(join(root, '.gatehouse.yml'), 'utf8')}gate:\n  fail-on: critical\n`);
    const r = await gatehouse(['scan', root, '--config', alt, '--format', 'json']);
    expect(r.exitCode).toBe(0);
    expect(ScanReportSchema.parse(JSON.parse(r.stdout)).findings.length).toBeGreaterThan(0);
  });

  it('--output writes the one report format to a file instead of stdout', async () => {
    const root = repoWithFakeScanner(['--print', join(SHARED, 'semgrep/sarif-rule-board.sarif'), '--exit', '1']);
    const file = join(root, 'report.sarif');
    const r = await gatehouse(['scan', root, '--format', 'sarif', '--output', file]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).not.toContain('"runs"');
    const sarif = JSON.parse(readFileSync(file, 'utf8'));
    expect(sarifSchemaErrors(sarif)).toEqual([]);
    expect(sarif.runs.map((run: { tool: { driver: { name: string } } }) => run.tool.driver.name)).toEqual(['fake-sast']);
  });

  it('exits 3 when only a scanner error fails the gate, naming the scanner and the reason', async () => {
    const root = repoWithFakeScanner(['--garbage']);
    const r = await gatehouse(['scan', root]);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toMatch(/x +fake-sast +api .* error: fake-sast output is not valid: /);
    expect(r.stderr).toContain('gate failed: scanner error');
    expect(r.stdout + r.stderr).not.toContain('Zx9yW8vU7tS6rQ5pO4nM3lK2jI1hG0fE9dC8');
  });

  it('exits 0 on a scanner error with on-scanner-error: warn, and says so', async () => {
    const root = repoWithFakeScanner(['--signal', 'SIGSEGV'], 'gate:\n  on-scanner-error: warn\n');
    const r = await gatehouse(['scan', root]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('crashed (killed by SIGSEGV)');
  });

  it('exits 2 on a bad config, naming the file, line, column and field', async () => {
    const root = repoWithFakeScanner([], 'gate:\n  fail-on: severe\n');
    const r = await gatehouse(['scan', root]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(
        `^gatehouse: config error: ${join(root, '.gatehouse.yml').replace(/[.]/g, '\\.')}:10:12 gate\\.fail-on: Invalid option: expected one of "critical"\\|"high"`,
      ),
    );
  });

  it('exits 2 on an unknown scanner id, pointing at its line in the config', async () => {
    const root = repoWithFakeScanner([]);
    writeFileSync(join(root, '.gatehouse.yml'), 'scanners:\n  sast:\n    - semgrepp\n');
    const r = await gatehouse(['scan', root]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`config error: ${join(root, '.gatehouse.yml')}:3:7 scanners.sast[0]: unknown scanner "semgrepp"; known scanners: `);
  });

  it('exits 2 on usage errors with a message and the usage text', async () => {
    // a few as real processes here; every usage error in-process in cli-usage.test.ts
    const root = repoWithFakeScanner(['--print', emptySarif()]);
    const cases: [string[], RegExp][] = [
      [['scan', root, '--frmat', 'json'], /^gatehouse: unknown flag --frmat; did you mean --format\?\nsee gatehouse --help\n$/],
      [['scan', root, '--fail-on', 'severe'], /--fail-on: expected one of critical\|high\|medium\|low\|info\|unknown, got "severe"/],
    ];
    for (const [args, message] of cases) {
      const r = await gatehouse(args);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr).toContain('see gatehouse --help');
      expect(r.stderr).not.toContain('Usage:');
    }
  });

  it('writes every format to --output-dir and a valid JSON report', async () => {
    const root = repoWithFakeScanner(['--print', JUICE_SHOP_SARIF, '--exit', '1']);
    const out = join(root, 'out');
    const r = await gatehouse(['scan', root, '--format', 'json,sarif', '--format', 'markdown', '--output-dir', out, '--scan-id', 'cli-test-1']);
    expect(r.exitCode).toBe(1);
    const report = ScanReportSchema.parse(JSON.parse(readFileSync(join(out, 'gatehouse-report.json'), 'utf8')));
    expect(report.scanId).toBe('cli-test-1');
    expect(report.gate.passed).toBe(false);
    const sarif = JSON.parse(readFileSync(join(out, 'gatehouse-report.sarif'), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarifSchemaErrors(sarif)).toEqual([]);
    expect(readFileSync(join(out, 'gatehouse-report.md'), 'utf8')).toContain('Gatehouse');
    expect(r.stdout).toContain('Gate failed'); // the terminal still shows the outcome
  });

  it('compares with --baseline: the same findings again are existing, and a PR gate passes', async () => {
    const root = repoWithFakeScanner(['--print', JUICE_SHOP_SARIF, '--exit', '1']);
    const base = join(root, 'base.json');
    expect((await gatehouse(['scan', root, '--format', 'json', '--output', base])).exitCode).toBe(1);
    const r = await gatehouse(['scan', root, '--baseline', base, '--format', 'json']);
    expect(r.exitCode).toBe(0);
    const report = ScanReportSchema.parse(JSON.parse(r.stdout));
    expect(report.kind).toBe('pr');
    expect(report.comparison.baseline).toBe('report');
    expect(report.findings.every((f) => f.status === 'existing')).toBe(true);
  });

  it('reads --changed-files from stdin and scans only the touched services', async () => {
    const root = repoWithFakeScanner(['--print', emptySarif()]);
    mkdirSync(join(root, 'services/web'));
    writeFileSync(join(root, 'services/web/package.json'), '{}');
    const r = await gatehouse(['scan', root, '--changed-files', '-', '--format', 'json'], { input: 'services/web/index.js\n' });
    expect(r.exitCode).toBe(0);
    const report = ScanReportSchema.parse(JSON.parse(r.stdout));
    expect(report.services.map((s) => s.name)).toEqual(['web']);
    expect(r.stderr).toContain('1 changed files touch 1 of 2 services: web');
  });

  it('imports a recorded report with --import TOOL=FILE instead of running the tool', async () => {
    const root = repoWithFakeScanner(['--print', emptySarif()]);
    const r = await gatehouse([
      'scan',
      root,
      '--import',
      `trivy-fs@api=${join(SHARED, 'trivy/repo-npm-lockfile.json')}`,
      '--format',
      'json',
    ]);
    const report = ScanReportSchema.parse(JSON.parse(r.stdout));
    expect(report.scanners.find((s) => s.scanner === 'trivy-fs')).toMatchObject({ status: 'imported', findingCount: 1 });
    expect(r.exitCode).toBe(0); // one medium finding, fail-on high
  });

  it('reads a relative --import FILE from the working directory, not from the scanned repository', async () => {
    const root = repoWithFakeScanner(['--print', emptySarif()]);
    const workDir = mkdtempSync(join(tmpdir(), 'gatehouse-cwd-'));
    writeFileSync(join(workDir, 'trivy.json'), readFileSync(join(SHARED, 'trivy/repo-npm-lockfile.json')));
    const r = await gatehouse(['scan', root, '--import', 'trivy-fs@api=trivy.json', '--format', 'json'], { cwd: workDir });
    expect(r.exitCode).toBe(0);
    const report = ScanReportSchema.parse(JSON.parse(r.stdout));
    expect(report.scanners.find((s) => s.scanner === 'trivy-fs')).toMatchObject({ status: 'imported', findingCount: 1 });
    // The same relative name is not looked up in the repository: there it is missing.
    const fromRoot = await gatehouse(['scan', root, '--import', 'trivy-fs@api=trivy.json', '--format', 'json'], { cwd: root });
    expect(fromRoot.exitCode).toBe(3);
    expect(fromRoot.stderr + fromRoot.stdout).toContain(join(root, 'trivy.json'));
  });

  it('colours progress only when asked (FORCE_COLOR) and never with NO_COLOR', async () => {
    const root = repoWithFakeScanner(['--print', emptySarif()]);
    expect((await gatehouse(['scan', root], { env: { FORCE_COLOR: '1' } })).stderr).toMatch(/\x1b\[32mgate passed/);
    expect((await gatehouse(['scan', root], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).stderr).not.toMatch(/\x1b\[/);
  });
});

describe('colour on a real terminal', () => {
  it('colours on a pseudo-terminal (util-linux script) and not on a pipe, with no colour variables set', async () => {
    const root = repoWithFakeScanner(['--print', emptySarif()]);
    const argv = [process.execPath, '--import', 'tsx', join(REPO, 'src/cli/main.ts'), 'scan', root];
    const quoted = argv.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    // `script` runs the command with its stdout and stderr on a new pseudo-terminal (isTTY true).
    const onTty = await execa('script', ['-qec', quoted, '/dev/null'], {
      cwd: REPO,
      reject: false,
      env: { ...withoutColorVars(process.env), TERM: 'xterm' },
      extendEnv: false,
    });
    expect(onTty.exitCode).toBe(0);
    expect(onTty.stdout).toMatch(/\x1b\[32m(✓|ok|gate passed)/);
    const onPipe = await gatehouse(['scan', root], { env: { TERM: 'xterm' } });
    expect(onPipe.exitCode).toBe(0);
    expect(onPipe.stderr).toContain('gate passed');
    expect(onPipe.stderr + onPipe.stdout).not.toMatch(/\x1b\[/);
  });
});

describe('bin/gatehouse.js', () => {
  it('runs the TypeScript CLI through tsx', async () => {
    const r = await execa(process.execPath, [join(REPO, 'bin/gatehouse.js'), '--version'], { cwd: tmpdir(), reject: false });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version);
    for (const args of [['--help'], ['scan', '--help']]) {
      const help = await execa(process.execPath, [join(REPO, 'bin/gatehouse.js'), ...args], { reject: false });
      expect(help.exitCode).toBe(0);
      expect(help.stdout).toContain('Exit codes: 0 passed, 1 gate failed, 2 usage or config error, 3 scanner error.');
    }
  });
});

describe('gatehouse dashboard', () => {
  it('starts the dashboard server on the given port and database, and stops on SIGTERM', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'gatehouse-cli-dash-')), 'dash.db');
    const child = execa(process.execPath, ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), 'dashboard', '--db', db, '--port', '0'], {
      cwd: REPO,
      reject: false,
      env: { GATEHOUSE_ADMIN_TOKEN: 'cli-test-admin-token-0123456789abcdef' },
    });
    const url = await new Promise<string>((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => reject(new Error(`no "dashboard:" line; output: ${seen}`)), 30_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        const m = /dashboard: (http:\/\/127\.0\.0\.1:\d+)\//.exec(seen);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });
    try {
      const res = await fetch(`${url}/`, { redirect: 'manual' });
      expect(res.status).toBeLessThan(500);
    } finally {
      child.kill('SIGTERM');
      await child;
    }
  });

  it('exits 2 on a bad --port', async () => {
    const r = await gatehouse(['dashboard', '--port', 'many', '--db', join(tmpdir(), 'unused.db')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--port: not a port number: many');
  });
});

describe('interrupting a scan', () => {
  it('stops every running scanner and its children on SIGINT, exiting 130', async () => {
    const pidFile = join(mkdtempSync(join(tmpdir(), 'gatehouse-cli-int-')), 'grandchild.pid');
    const root = repoWithFakeScanner(['--hang', pidFile]);
    const child = execa(process.execPath, ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), 'scan', root], { cwd: REPO, reject: false });
    for (let i = 0; i < 300 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 100));
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(r.stderr).toContain('gatehouse: interrupted (SIGINT); stopping 1 running scanner');
    const alive = () => {
      try {
        process.kill(grandchild, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 50 && alive(); i++) await new Promise((res) => setTimeout(res, 100));
    expect(alive()).toBe(false);
  });
});
