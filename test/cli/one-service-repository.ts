// A throwaway git repository the CLI tests scan: one service (`services/api`) and a config whose only
// scanner is a fake SARIF scanner that finds nothing, committed once. And the config of a fake SARIF
// scanner that finds one error (rule R1 at Dockerfile:1), for repositories a test builds itself.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FAKE = new URL('../fixtures/fake-scanner.mjs', import.meta.url).pathname;

/** git in `dir` with a throwaway identity (no signing), its output trimmed. */
export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'commit.gpgsign=false', ...args], { encoding: 'utf8' }).trim();
}

/** The repository on `branch`, with `origin` at `remote` when given; its folder and its one commit. */
export function oneServiceRepository(opts: { branch: string; remote?: string; prefix: string }): { root: string; commit: string } {
  const root = mkdtempSync(join(tmpdir(), opts.prefix));
  mkdirSync(join(root, 'services/api'), { recursive: true });
  writeFileSync(join(root, 'services/api/package.json'), '{}');
  const sarif = join(root, 'empty.sarif');
  writeFileSync(sarif, JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'fake-sast' } }, results: [] }] }));
  const command = JSON.stringify([process.execPath, FAKE, '--print', sarif]);
  writeFileSync(join(root, '.gatehouse.yml'), `scanners:\n  dependency: []\n  secret: []\n  misconfig: []\n  ci: []\n  sarif:\n    - name: fake-sast\n      command: ${command}\n`);
  git(root, 'init', '--quiet', `--initial-branch=${opts.branch}`);
  if (opts.remote !== undefined) git(root, 'remote', 'add', 'origin', opts.remote);
  git(root, 'add', '.');
  git(root, 'commit', '--quiet', '-m', 'one');
  return { root, commit: git(root, 'rev-parse', 'HEAD') };
}

/**
 * `root/.gatehouse.yml` whose only scanner is a fake SARIF one (`fake-sast`) reporting one error: rule
 * R1 at Dockerfile:1 (the SARIF file goes to `sarifPath`). The gate fails on it (exit 1).
 */
export function oneFindingConfig(root: string, sarifPath: string): void {
  writeFileSync(
    sarifPath,
    JSON.stringify({
      version: '2.1.0',
      runs: [
        {
          tool: { driver: { name: 'fake-sast', rules: [{ id: 'R1', defaultConfiguration: { level: 'error' } }] } },
          results: [{ ruleId: 'R1', level: 'error', message: { text: 'bad' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'Dockerfile' }, region: { startLine: 1 } } }] }],
        },
      ],
    }),
  );
  const command = JSON.stringify([process.execPath, FAKE, '--print', sarifPath]);
  writeFileSync(join(root, '.gatehouse.yml'), `scanners:\n  dependency: []\n  secret: []\n  misconfig: []\n  ci: []\n  sarif:\n    - name: fake-sast\n      command: ${command}\n`);
}
