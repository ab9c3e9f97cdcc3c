// `gatehouse services [dir]`: which folders become services (marker, files), what the root holds,
// the candidates not taken with why; top-level service folders (robot-shop's layout) are found.
// Bad input: a symlink loop, a dangling link and a named pipe are named in the ledger, never skipped
// in silence (file permissions cannot make a file unreadable for root, so a FIFO and links stand in).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { createMemoryLogger } from '../../src/logger.js';
import { renderText } from '../../src/reporters/text.js';
import { runScan } from '../../src/scan.js';

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

async function run(args: string[]) {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c: Buffer) => (stdout += c.toString()));
  err.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await main(args, { stdout: out, stderr: err, stdin: Readable.from(['']), env: {}, cwd: process.cwd() });
  return { code, stdout, stderr };
}

describe('gatehouse services', () => {
  it('lists the services with their marker and files, the root files, and the candidates not taken', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gh-services-'));
    write(root, {
      'services/api/package.json': '{}',
      'services/api/index.js': '',
      'services/billing/app/pom.xml': '<project/>',
      'services/notes/README.md': '# notes',
      'README.md': '',
    });
    const r = await run(['services', root]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/2 services \(discovered under services\/\*/);
    expect(r.stdout).toMatch(/\n {2}api +services\/api +package\.json +2\n/);
    expect(r.stdout).toMatch(/\n {2}billing +services\/billing +app\/pom\.xml +1\n/);
    expect(r.stdout).toMatch(/\n {2}\(root\) +\. +files outside every service folder +2\n/);
    expect(r.stdout).toMatch(/Not services \(1\):\n {2}services\/notes: no service marker within 3 levels/);
  });

  it('names a discovered service that groups several microservice folders, and stops once the suggested roots make them services', async () => {
    // bank-of-anthos's layout: src/ledger holds four services, each with its own build file; kustomize
    // components (deployment configuration) are no group.
    const root = mkdtempSync(join(tmpdir(), 'gh-groups-'));
    write(root, {
      'src/ledger/balancereader/pom.xml': '<project/>',
      'src/ledger/ledgerwriter/pom.xml': '<project/>',
      'src/ledger/ledger-db/Dockerfile': 'FROM postgres:16\n',
      'src/ledger/skaffold.yaml': '',
      'src/frontend/Dockerfile': 'FROM python:3.12\n',
      'src/frontend/web/package.json': '{}',
      'src/components/backend/kustomization.yaml': '',
      'src/components/frontend/kustomization.yaml': '',
    });
    const r = await run(['services', root]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Services that hold several folders with a marker of their own (1), each counted to the one service:\n  ledger (src/ledger): balancereader, ledger-db, ledgerwriter\n');
    expect(r.stdout).toContain('add their folders to discover.roots (e.g. "src/ledger/*")');
    write(root, { '.gatehouse.yml': 'version: 1\ndiscover:\n  roots: ["src/*", "src/ledger/*"]\n' });
    const after = await run(['services', root]);
    expect(after.stdout).toMatch(/\n {2}balancereader +src\/ledger\/balancereader +pom\.xml/);
    expect(after.stdout).not.toContain('Services that hold several folders');
  });

  it('names the folders below the root with a marker of their own when the repository is one service, and what to do', async () => {
    // A polyglot samples layout (dapr/quickstarts): topic/language/kind/app, markers three levels down.
    const root = mkdtempSync(join(tmpdir(), 'gh-deep-'));
    write(root, {
      'README.md': '',
      'pubsub/go/sdk/checkout/go.mod': 'module checkout\n',
      'pubsub/go/sdk/checkout/vendor/x/go.mod': 'module x\n',
      'pubsub/python/sdk/orders/requirements.txt': 'flask\n',
      'state/java/http/orders/pom.xml': '<project/>',
      '.devcontainer/Dockerfile': 'FROM node:20\n',
    });
    const r = await run(['services', root]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1 service \(discovery found no service folder/);
    expect(r.stdout).toContain(
      [
        'Folders below the root with a service marker of their own (3), scanned as part of the one service:',
        '  pubsub/go/sdk/checkout (go.mod)',
        '  pubsub/python/sdk/orders (requirements.txt)',
        '  state/java/http/orders (pom.xml)',
        '  To scan them as services, list them under services: in the config, or add their parent folders to discover.roots (e.g. "pubsub/go/sdk/*").',
      ].join('\n'),
    );
    // Named services, or discovery that found some: nothing to suggest.
    write(root, { 'services/api/package.json': '{}' });
    expect((await run(['services', root])).stdout).not.toContain('Folders below the root');
  });

  it('takes top-level folders with a marker of their own when no root holds a service', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gh-toplevel-'));
    write(root, {
      'cart/Dockerfile': 'FROM node:20\n',
      'cart/server.js': '',
      'payment/Dockerfile': 'FROM python:3.12\n',
      'payment/requirements.txt': 'flask\n',
      'docs/guide.md': '',
      'docker-compose.yaml': 'services: {}\n',
    });
    const r = await run(['services', root]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/2 services \(no service folder under .*; top-level folders with a marker of their own\)/);
    expect(r.stdout).toMatch(/\n {2}cart +cart +Dockerfile +2\n/);
    expect(r.stdout).toMatch(/\n {2}payment +payment +Dockerfile +2\n/);
  });

  it('keeps a single-service repository one service (a marker deeper in a folder is not enough)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gh-single-'));
    write(root, { 'package.json': '{}', 'test/fixtures/a/package.json': '{}', 'test/fixtures/b/package.json': '{}', 'lib/index.js': '' });
    const r = await run(['services', root]);
    expect(r.stdout).toMatch(/: 1 service \(discovery found no service folder/);
  });

  it('suggests the nearest flag for a typo', async () => {
    const r = await run(['services', '.', '--confg', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('gatehouse: unknown flag --confg; did you mean --config?\nsee gatehouse --help\n');
  });
});

describe('bad input in the repository', () => {
  it('names a symlink loop, a dangling link and a named pipe in the ledger and still scans the rest', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gh-bad-'));
    write(root, { 'services/api/package.json': '{}', 'services/api/.env': `GITHUB_TOKEN=ghp_${'a1B2c3D4e5'.repeat(3)}abcdef\n` });
    symlinkSync('loop-b', join(root, 'services/api/loop-a'));
    symlinkSync('loop-a', join(root, 'services/api/loop-b'));
    symlinkSync('missing-target.txt', join(root, 'services/api/dangling'));
    execFileSync('mkfifo', [join(root, 'services/api/pipe')]);
    const config = ConfigSchema.parse({ scanners: { dependency: [] } });
    const report = await runScan({ repoRoot: root, config, kind: 'snapshot' }, { logger: createMemoryLogger() });
    const unreadable = report.coverage.files!.unreadable;
    expect(unreadable).toContainEqual({ path: 'services/api/loop-a', reason: 'symbolic link loop, not followed' });
    expect(unreadable).toContainEqual({ path: 'services/api/dangling', reason: 'symbolic link to a missing target, not followed' });
    expect(unreadable).toContainEqual({ path: 'services/api/pipe', reason: 'not a regular file (a named pipe), not read' });
    expect(renderText(report, { color: false })).toContain('could not read services/api/dangling: symbolic link to a missing target, not followed');
    // the scan finished (a FIFO did not hang a scanner) and the real file was read
    expect(report.findings.some((f) => f.category === 'secret' && f.location.path === 'services/api/.env')).toBe(true);
    const services = await run(['services', root]);
    expect(services.stdout).toContain('Could not read (4):');
  }, 60_000);
});
