// Usage errors of the CLI, in-process through main() with captured streams (cli.test.ts runs the
// CLI as a real child process for each exit code; these fail before any scan, so in-process is
// enough and fast). Every one must be exit 2 with a message naming the culprit.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main, useColor } from '../../src/cli/main.js';

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
