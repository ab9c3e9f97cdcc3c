// Usage errors of the CLI, in-process through main() with captured streams (cli.test.ts runs the
// CLI as a real child process for each exit code; these fail before any scan, so in-process is
// enough and fast). Every one must be exit 2 with a message naming the culprit.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main, useColor } from '../../src/cli/main.js';
import { unknownFlagMessage } from '../../src/cli/parse-args.js';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
}

async function run(args: string[], stdin = '') {
  const out = capture();
  const err = capture();
  const code = await main(args, {
    stdout: out.stream,
    stderr: err.stream,
    stdin: Readable.from([stdin]),
    env: {},
    cwd: process.cwd(),
  });
  return { code, stdout: out.text(), stderr: err.text() };
}

function repo(): string {
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-usage-'));
  mkdirSync(join(root, 'services/api'), { recursive: true });
  writeFileSync(join(root, 'services/api/package.json'), '{}');
  // Only the embedded secret scanner (no network); with every scanner off the gate fails (issue 8 item 6).
  writeFileSync(join(root, '.gatehouse.yml'), 'scanners:\n  dependency: []\n  misconfig: []\n  ci: []\n');
  return root;
}

describe('gatehouse usage errors (exit 2)', () => {
  const root = repo();
  const cases: [string, string[], RegExp][] = [
    ['no command', [], /Usage:/],
    ['an unknown command', ['frobnicate'], /unknown command "frobnicate"/],
    ['an unknown option', ['scan', root, '--bogus'], /^gatehouse: unknown flag --bogus\nsee gatehouse --help\n$/],
    ['a mistyped option', ['scan', root, '--frmat', 'json'], /^gatehouse: unknown flag --frmat; did you mean --format\?\nsee gatehouse --help\n$/],
    ['a mistyped dashboard option', ['dashboard', '--prot', '1'], /^gatehouse: unknown flag --prot; did you mean --port\?\nsee gatehouse --help\n$/],
    // migrate's parser takes --from and --to only: the serving flags are refused with no suggestion,
    // never "did you mean" the very flag refused; and the other way round.
    ['--db given to dashboard migrate', ['dashboard', 'migrate', '--from', 'a.db', '--to', 'postgres://x/y', '--db', 'foo'], /^gatehouse: unknown flag --db\nsee gatehouse --help\n$/],
    ['--port given to dashboard migrate', ['dashboard', 'migrate', '--from', 'a.db', '--to', 'postgres://x/y', '--port', '1'], /^gatehouse: unknown flag --port\nsee gatehouse --help\n$/],
    ['a mistyped dashboard migrate option', ['dashboard', 'migrate', '--fro', 'a.db', '--to', 'postgres://x/y'], /^gatehouse: unknown flag --fro; did you mean --from\?\nsee gatehouse --help\n$/],
    ['--from given to dashboard (serving)', ['dashboard', '--from', 'a.db'], /^gatehouse: unknown flag --from\nsee gatehouse --help\n$/],
    ['a mistyped push option', ['push', 'r.json', '--dashbord', 'x'], /^gatehouse: unknown flag --dashbord; did you mean --dashboard\?\nsee gatehouse --help\n$/],
    ['a connection string without --db', ['dashboard', 'postgres://user:s3cret@db.example/gh'], /^gatehouse: Unexpected argument 'postgres:\/\/user:\*\*\*\*@db\.example\/gh'/],
    ['a mistyped command', ['scn', root], /unknown command "scn"; did you mean scan\?/],
    ['an option without its value', ['scan', root, '--format'], /^gatehouse: --format needs a value\nsee gatehouse --help\n$/],
    ['two directories', ['scan', root, root], /scan takes one directory, got 2/],
    ['a bad --fail-on', ['scan', root, '--fail-on', 'severe'], /--fail-on: expected one of critical\|high\|medium\|low\|info\|unknown, got "severe"/],
    ['several formats without --output-dir', ['scan', root, '--format', 'json,sarif'], /2 formats \(json, sarif\) need --output-dir/],
    ['an unknown format', ['scan', root, '--format', 'xml'], /--format: unknown format "xml" \(known: text, json, sarif, markdown\)/],
    ['--output with --output-dir', ['scan', root, '--output', 'a', '--output-dir', 'b'], /--output and --output-dir cannot be used together/],
    ['a bad --kind', ['scan', root, '--kind', 'nightly'], /--kind: expected snapshot or pr, got "nightly"/],
    ['an --import without a file', ['scan', root, '--import', 'trivy-fs'], /--import: expected TOOL=FILE or TOOL@SERVICE=FILE, got "trivy-fs"/],
    ['an --import of an unknown tool', ['scan', root, '--import', 'nope=x.json'], /unknown scanner "nope"; known scanners: /],
    ['an --import for an unknown service', ['scan', root, '--import', 'trivy-fs@web=x.json'], /service "web" is not among the scanned services \(api\)/],
    ['an unreadable --baseline', ['scan', root, '--baseline', '/nonexistent/report.json'], /--baseline: cannot read \/nonexistent\/report\.json \(ENOENT\)/],
    ['an unreadable --changed-files', ['scan', root, '--changed-files', '/nonexistent/changed.txt'], /--changed-files: cannot read \/nonexistent\/changed\.txt/],
    ['a missing --config', ['scan', root, '--config', '/nonexistent/.gatehouse.yml'], /config error: \/nonexistent\/\.gatehouse\.yml: config file not found/],
    ['a folder that does not exist', ['scan', join(root, 'nope')], /the folder to scan, .*nope, does not exist/],
  ];
  for (const [what, args, message] of cases) {
    it(`refuses ${what}`, async () => {
      const r = await run(args);
      expect(r.code).toBe(2);
      expect(r.stderr + r.stdout).toMatch(message);
    });
  }

  it('accepts --fail-on in any case (HIGH, High)', async () => {
    for (const value of ['HIGH', 'High']) {
      const r = await run(['scan', root, '--fail-on', value, '--format', 'json']);
      expect(r.code, r.stderr).toBe(0);
    }
  });

  it('refuses a --baseline that is JSON but not a Gatehouse report, naming the field', async () => {
    const file = join(root, 'not-a-report.json');
    writeFileSync(file, JSON.stringify({ schema: 'gatehouse/scan-report', version: 1, scanId: 'x' }));
    const r = await run(['scan', root, '--baseline', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--baseline: .*not-a-report\.json is not a Gatehouse JSON report \(at createdAt: /);
  });
});

describe('gatehouse dashboard --help', () => {
  for (const flag of ['--help', '-h']) {
    it(`dashboard ${flag} prints the dashboard's usage, PostgreSQL and migrate included, and exits 0`, async () => {
      const r = await run(['dashboard', flag]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/^Dashboard options \(gatehouse dashboard \[options\]\):\n/);
      expect(r.stdout).toContain('--db FILE|postgres://URL');
      expect(r.stdout).toContain('PGPASSWORD');
      expect(r.stdout).toContain('gatehouse dashboard migrate --from FILE.db --to postgres://URL');
    });

    it(`dashboard migrate ${flag} prints migrate's usage and exits 0`, async () => {
      const r = await run(['dashboard', 'migrate', flag]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/^Migrate options \(gatehouse dashboard migrate --from FILE\.db --to postgres:\/\/URL\):\n/);
      expect(r.stdout).toContain('docs/dashboard.md "PostgreSQL"');
      expect(r.stdout).not.toContain('--port');
    });
  }

  it('gatehouse --help names the PostgreSQL database and the migrate command', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('gatehouse dashboard [options]       start the dashboard: --db FILE|postgres://URL (./gatehouse.db;');
    expect(r.stdout).toMatch(/\n {2}gatehouse dashboard migrate --from FILE\.db --to postgres:\/\/URL\n/);
    expect(r.stdout).toContain('Dashboard options (gatehouse dashboard [options]):');
  });
});

describe('unknownFlagMessage', () => {
  it('suggests the nearest flag the parser accepts, never the flag refused', () => {
    expect(unknownFlagMessage("Unknown option '--prot'", ['db', 'port'])).toBe('unknown flag --prot; did you mean --port?');
    expect(unknownFlagMessage("Unknown option '--help'", ['help', 'db'])).toBe('unknown flag --help');
    expect(unknownFlagMessage("Unknown option '--db'", ['db', 'from', 'to'])).toBe('unknown flag --db');
    expect(unknownFlagMessage("Unknown option '--db'", ['from', 'to'])).toBe('unknown flag --db');
  });
});

describe('useColor', () => {
  it('colours only a TTY, never with NO_COLOR, always with FORCE_COLOR', () => {
    expect(useColor({ isTTY: true }, {})).toBe(true);
    expect(useColor({ isTTY: false }, {})).toBe(false);
    expect(useColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(useColor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(useColor({ isTTY: true }, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(false);
    expect(useColor({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
  });
});
