import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScannerError } from '../../src/errors.js';
import { runTool } from '../../src/runner/run-tool.js';

const FAKE = new URL('../fixtures/fake-scanner.mjs', import.meta.url).pathname;
const SHARED = new URL('../../../shared/fixtures/scanners/', import.meta.url).pathname;
const cwd = process.cwd();

function fake(...args: string[]): string[] {
  return [process.execPath, FAKE, ...args];
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('runTool', () => {
  it('captures real recorded output byte for byte with the exit code', async () => {
    const file = join(SHARED, 'semgrep/json-paths.json');
    const run = await runTool(fake('--print', file, '--exit', '1'), { cwd, timeoutMs: 20_000 });
    expect(run.stdout).toBe(readFileSync(file, 'utf8'));
    expect(run.exitCode).toBe(1);
    expect(run.timedOut).toBe(false);
    expect(run.durationMs).toBeGreaterThan(0);
  });

  it('passes arguments without a shell (metacharacters stay literal)', async () => {
    const run = await runTool([process.execPath, '-e', 'process.stdout.write(process.argv[1])', '$(echo hi); `x` | y'], {
      cwd,
      timeoutMs: 20_000,
    });
    expect(run.stdout).toBe('$(echo hi); `x` | y');
  });

  it('keeps stderr apart from stdout and reports odd exit codes as they are', async () => {
    const run = await runTool(fake('--stderr', 'something odd', '--exit', '7'), { cwd, timeoutMs: 20_000 });
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('something odd\n');
    expect(run.exitCode).toBe(7);
  });

  it('throws a "missing" ScannerError naming the executable when it is not installed', async () => {
    const err = await runTool(['gatehouse-no-such-tool-xyz', '--version'], { cwd, timeoutMs: 5000 }).catch((e) => e);
    expect(err).toBeInstanceOf(ScannerError);
    expect(err.kind).toBe('missing');
    expect(err.message).toContain('"gatehouse-no-such-tool-xyz" was not found on PATH');
  });

  it('does not mistake a missing working directory for a missing tool', async () => {
    const err = await runTool([process.execPath, '--version'], { cwd: '/nonexistent/gatehouse-dir', timeoutMs: 5000 }).catch((e) => e);
    expect(err).toBeInstanceOf(ScannerError);
    expect(err.kind).toBe('crashed');
    expect(err.message).toContain('working directory /nonexistent/gatehouse-dir does not exist');
  });

  it('kills the whole process tree on timeout', async () => {
    const pidFile = join(mkdtempSync(join(tmpdir(), 'gatehouse-hang-')), 'grandchild.pid');
    const run = await runTool(fake('--hang', pidFile), { cwd, timeoutMs: 800 });
    expect(run.timedOut).toBe(true);
    expect(run.exitCode).toBe(-1);
    expect(run.durationMs).toBeLessThan(10_000);
    expect(existsSync(pidFile)).toBe(true);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    // SIGKILL is delivered asynchronously; give the kernel a moment
    for (let i = 0; i < 50 && isAlive(grandchild); i++) await new Promise((r) => setTimeout(r, 100));
    expect(isAlive(grandchild)).toBe(false);
  });

  it('stops a run whose output exceeds the cap instead of returning a cut report', async () => {
    const err = await runTool(fake('--flood', String(8 * 1024 * 1024)), {
      cwd,
      timeoutMs: 20_000,
      maxOutputBytes: 2 * 1024 * 1024,
      name: 'fake-scanner',
    }).catch((e) => e);
    expect(err).toBeInstanceOf(ScannerError);
    expect(err.kind).toBe('bad-output');
    expect(err.message).toMatch(/^fake-scanner: wrote more than 2 MiB/);
  });

  it('reports a crash by signal', async () => {
    const run = await runTool(fake('--signal', 'SIGSEGV'), { cwd, timeoutMs: 20_000 });
    expect(run.signal).toBe('SIGSEGV');
    expect(run.timedOut).toBe(false);
    expect(run.exitCode).toBe(-1);
  });
});
