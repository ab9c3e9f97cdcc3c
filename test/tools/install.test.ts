import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../src/logger.js';
import { DOWNLOAD_BASE_ENV, installPinnedTool, installSemgrep, platformKey, sha256File, ToolInstallError } from '../../src/tools/install.js';
import { SEMGREP_VERSION, TOOL_PINS, TRIVY_PIN, type ToolPin } from '../../src/tools/pins.js';

const work = mkdtempSync(path.join(tmpdir(), 'gatehouse-tools-'));
process.env.RUNNER_TOOL_CACHE = path.join(work, 'tool-cache');
process.env.RUNNER_TEMP = path.join(work, 'runner-temp');
mkdirSync(process.env.RUNNER_TOOL_CACHE, { recursive: true });
mkdirSync(process.env.RUNNER_TEMP, { recursive: true });

/** A release-shaped .tar.gz with an executable `trivy` that prints its version. */
function makeArchive(name: string, script: string): string {
  const dir = path.join(work, `src-${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'trivy'), script);
  chmodSync(path.join(dir, 'trivy'), 0o755);
  writeFileSync(path.join(dir, 'LICENSE'), 'Apache-2.0\n');
  const file = path.join(work, `${name}.tar.gz`);
  execFileSync('tar', ['-czf', file, '-C', dir, 'trivy', 'LICENSE']);
  return file;
}

const good = makeArchive('good', '#!/bin/sh\necho "Version: 9.9.9"\n');
const tampered = makeArchive('tampered', '#!/bin/sh\necho "Version: 9.9.9"; echo pwned > /tmp/gatehouse-pwned\n');
let server: Server;
let base = '';
const served: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    served.push(req.url ?? '');
    const file = req.url?.startsWith('/good/') ? good : req.url?.startsWith('/tampered/') ? tampered : undefined;
    if (!file) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function testPin(version: string): Promise<ToolPin> {
  return {
    tool: 'trivy',
    version,
    binary: 'trivy',
    releasePath: 'aquasecurity/trivy/releases/download/v' + version,
    archives: { 'linux-x64': { file: 'trivy_test_Linux-64bit.tar.gz', sha256: await sha256File(good) } },
  };
}

describe('pinned tool installs', () => {
  it('downloads, verifies, caches and runs a good archive; the second install comes from the cache', async () => {
    const pin = await testPin('9.9.9');
    const logger = createMemoryLogger();
    const first = await installPinnedTool(pin, { logger, platform: 'linux', arch: 'x64', downloadBase: `${base}/good` });
    expect(first.fromCache).toBe(false);
    expect(first.dir.startsWith(process.env.RUNNER_TOOL_CACHE as string)).toBe(true);
    expect(execFileSync(first.binary, ['--version']).toString()).toContain('Version: 9.9.9');
    expect(served).toContain('/good/aquasecurity/trivy/releases/download/v9.9.9/trivy_test_Linux-64bit.tar.gz');
    const before = served.length;
    const second = await installPinnedTool(pin, { logger, platform: 'linux', arch: 'x64', downloadBase: `${base}/good` });
    expect(second.fromCache).toBe(true);
    expect(served.length).toBe(before);
  });

  it('refuses a tampered archive with a clear error, extracts and caches nothing', async () => {
    const pin = await testPin('9.9.8');
    process.env[DOWNLOAD_BASE_ENV] = `${base}/tampered`;
    try {
      const err = await installPinnedTool(pin, { logger: createMemoryLogger(), platform: 'linux', arch: 'x64' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ToolInstallError);
      expect(String(err)).toMatch(/refusing to use trivy_test_Linux-64bit.tar.gz: its SHA-256 is [0-9a-f]{64}, but Gatehouse pins [0-9a-f]{64} for trivy 9\.9\.8/);
    } finally {
      delete process.env[DOWNLOAD_BASE_ENV];
    }
    expect(existsSync(path.join(process.env.RUNNER_TOOL_CACHE as string, 'trivy', '9.9.8'))).toBe(false);
    expect(readdirSync(process.env.RUNNER_TEMP as string).filter((f) => !f.includes('.'))).toEqual([]);
  });

  it('names the platform when no build is pinned for it', async () => {
    const pin = { ...(await testPin('9.9.6')), tool: 'gitleaks' as const };
    const err = await installPinnedTool(pin, { logger: createMemoryLogger(), platform: 'linux', arch: 'arm64' }).catch((e: unknown) => e);
    expect(String(err)).toMatch(/gitleaks: no pinned build for linux\/arm64 \(pinned: linux-x64\)/);
    expect(platformKey('win32', 'x64')).toBeUndefined();
  });

  it('refuses a known-bad release before any download (trivy 0.69.4, and the deleted 0.58.1)', async () => {
    const before = served.length;
    for (const version of ['0.69.4', '0.58.1']) {
      const pin = { ...(await testPin(version)), version };
      const err = await installPinnedTool(pin, { logger: createMemoryLogger(), platform: 'linux', arch: 'x64', downloadBase: `${base}/good` }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ToolInstallError);
      expect(String(err)).toMatch(version === '0.69.4' ? /refusing to install trivy 0\.69\.4: malicious release.*GHSA-69fq-xp46-6x23/ : /refusing to install trivy 0\.58\.1: .*deleted.*aquasecurity\/trivy#10345/);
    }
    expect(served.length).toBe(before);
  });

  it('reports a failed download (404) as an install error naming the URL', async () => {
    const pin = await testPin('9.9.7');
    const err = await installPinnedTool(pin, { logger: createMemoryLogger(), platform: 'linux', arch: 'x64', downloadBase: `${base}/missing` }).catch((e: unknown) => e);
    expect(String(err)).toMatch(/trivy: download of http:\/\/127\.0\.0\.1:\d+\/missing\/.*failed/);
  });

  it('keeps real pins: a version, a release path with that version, and 64-hex sums', () => {
    for (const pin of Object.values(TOOL_PINS)) {
      expect(pin.releasePath).toContain(`/v${pin.version}`);
      for (const a of Object.values(pin.archives)) {
        expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
        expect(a.file).toContain(pin.version);
      }
    }
    expect(Object.keys(TRIVY_PIN.archives)).toEqual(['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64']);
  });
});

describe('semgrep install through pip', () => {
  it('makes a venv, runs `<venv>/bin/python -m pip install semgrep==<pin>` without a shell, and checks the installed version', async () => {
    const bin = path.join(work, 'fake-bin');
    mkdirSync(bin, { recursive: true });
    const argsFile = path.join(work, 'pip-args.txt');
    // A stand-in `python3`: `-m venv DIR` makes DIR/bin/python (records pip's argv) and DIR/bin/semgrep.
    writeFileSync(
      path.join(bin, 'python3'),
      [
        '#!/bin/sh',
        'if [ "$1 $2" = "-m venv" ]; then',
        '  mkdir -p "$3/bin"',
        `  printf '#!/bin/sh\\nprintf "%%s\\\\n" "$@" > ${argsFile}\\n' > "$3/bin/python"`,
        `  printf '#!/bin/sh\\necho \${SEMGREP_FAKE_VERSION}\\n' > "$3/bin/semgrep"`,
        '  chmod +x "$3/bin/python" "$3/bin/semgrep"',
        'fi',
        '',
      ].join('\n'),
    );
    chmodSync(path.join(bin, 'python3'), 0o755);
    const savedPath = process.env.PATH;
    process.env.PATH = `${bin}:${savedPath}`;
    process.env.SEMGREP_FAKE_VERSION = SEMGREP_VERSION;
    try {
      const venvDir = path.join(work, 'venv-ok');
      const installed = await installSemgrep({ logger: createMemoryLogger(), venvDir });
      expect(installed.dir).toBe(path.join(venvDir, 'bin'));
      expect(readFileSync(argsFile, 'utf8').trim().split('\n')).toEqual(['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', `semgrep==${SEMGREP_VERSION}`]);
      process.env.SEMGREP_FAKE_VERSION = '0.1.0';
      const err = await installSemgrep({ logger: createMemoryLogger(), venvDir: path.join(work, 'venv-wrong') }).catch((e: unknown) => e);
      expect(String(err)).toMatch(/reports "0\.1\.0".*expected/);
    } finally {
      process.env.PATH = savedPath;
      delete process.env.SEMGREP_FAKE_VERSION;
    }
  });
});
