// `--import TOOL=FILE` has the same cap as a scanner's captured output (`max-output-mb`), with the
// same kind of clear error (issue 8 item 8): a report over it is a scanner error, never read in
// part, and a FIFO or a device (/dev/zero) is read only up to the cap.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { readReportFile, ReportTooLargeError } from '../../src/scanners/report-input.js';

const REPO = new URL('../../', import.meta.url).pathname;
const SHARED = new URL('../../../shared/fixtures/scanners/', import.meta.url).pathname;
const MIB = 1024 * 1024;

function gatehouse(args: string[]) {
  return execa(process.execPath, ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), ...args], {
    cwd: REPO,
    reject: false,
    env: { ...process.env, NO_COLOR: '1' },
  });
}

/** One service; only the import runs (every built-in scanner is off), output capped at 1 MiB. */
function repo(): string {
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-import-cap-'));
  mkdirSync(join(root, 'services/api'), { recursive: true });
  writeFileSync(join(root, 'services/api/package.json'), '{}');
  writeFileSync(join(root, '.gatehouse.yml'), 'max-output-mb: 1\nscanners:\n  dependency: [trivy-fs]\n  secret: []\n  misconfig: []\n  ci: []\n');
  return root;
}

/** A real trivy report padded with whitespace to `bytes`: valid JSON, so only the cap refuses it. */
function paddedTrivyReport(bytes: number): string {
  const report = readFileSync(join(SHARED, 'trivy/repo-npm-lockfile.json'), 'utf8');
  const file = join(mkdtempSync(join(tmpdir(), 'gatehouse-big-')), 'trivy.json');
  writeFileSync(file, report + ' '.repeat(Math.max(0, bytes - Buffer.byteLength(report))));
  return file;
}

describe('--import size cap', () => {
  it('a report file over max-output-mb is a scanner error (exit 3) saying so, in every format', async () => {
    const root = repo();
    const big = paddedTrivyReport(3 * MIB);
    const r = await gatehouse(['scan', root, '--import', `trivy-fs=${big}`, '--format', 'json,markdown,sarif', '--output-dir', join(root, 'out')]);
    expect(r.exitCode).toBe(3);
    const expected = `imported report "${big}" is larger than 1 MiB; it was not read rather than parse a cut report (raise "max-output-mb" in .gatehouse.yml if it is legitimately that large)`;
    expect(r.stdout).toContain(expected);
    const json = JSON.parse(readFileSync(join(root, 'out/gatehouse-report.json'), 'utf8')) as { scanners: { scanner: string; status: string; error?: string }[] };
    expect(json.scanners.find((s) => s.scanner === 'trivy-fs')).toMatchObject({ status: 'error', error: expect.stringContaining('is larger than 1 MiB') });
    expect(readFileSync(join(root, 'out/gatehouse-report.md'), 'utf8')).toContain('is larger than 1 MiB');
    expect(readFileSync(join(root, 'out/gatehouse-report.sarif'), 'utf8')).toContain('is larger than 1 MiB');
  });

  it('the same report under the cap is imported', async () => {
    const root = repo();
    const r = await gatehouse(['scan', root, '--import', `trivy-fs=${paddedTrivyReport(MIB - 4096)}`]);
    expect(r.stdout).toContain('(imported)');
    expect(r.exitCode).toBe(0);
  });

  it('--import trivy-fs=/dev/zero stops at the cap', async () => {
    const root = repo();
    const r = await gatehouse(['scan', root, '--import', 'trivy-fs=/dev/zero']);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toContain('imported report "/dev/zero" is larger than 1 MiB');
  });

  it('readReportFile reads a device and a FIFO only up to the cap', async () => {
    await expect(readReportFile('/dev/zero', MIB)).rejects.toBeInstanceOf(ReportTooLargeError);
    const fifo = join(mkdtempSync(join(tmpdir(), 'gatehouse-fifo-')), 'report');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    // A writer that never stops on its own: it ends when the reader closes the FIFO (EPIPE).
    const writer = spawn(process.execPath, ['-e', `const fs=require('fs');const fd=fs.openSync(${JSON.stringify(fifo)},'w');const b=Buffer.alloc(65536,32);try{for(;;)fs.writeSync(fd,b)}catch{process.exit(0)}`]);
    try {
      const err = await readReportFile(fifo, 2 * MIB).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ReportTooLargeError);
      expect((err as Error).message).toBe('is larger than 2 MiB');
    } finally {
      writer.kill('SIGKILL');
    }
  });

  it('readReportFile reads a file at the cap whole and refuses one byte more without reading it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-exact-'));
    writeFileSync(join(dir, 'at'), 'x'.repeat(1000));
    expect(await readReportFile(join(dir, 'at'), 1000)).toHaveLength(1000);
    writeFileSync(join(dir, 'over'), 'x'.repeat(1001));
    await expect(readReportFile(join(dir, 'over'), 1000)).rejects.toBeInstanceOf(ReportTooLargeError);
    writeFileSync(join(dir, 'utf8'), 'é'.repeat(10));
    expect(await readReportFile(join(dir, 'utf8'), 20)).toBe('é'.repeat(10));
  });
});
