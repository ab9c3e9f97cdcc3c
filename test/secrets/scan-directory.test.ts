// Walking a folder: what is read, skipped, decoded and allowed.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretEngine } from '../../src/scanners/gatehouse-secrets/engine.js';
import { scanDirectory } from '../../src/scanners/gatehouse-secrets/scan-directory.js';
import { corpusFilesDir, loadManifest } from './corpus-evaluation.js';
import { readFileSync } from 'node:fs';
import { ALNUM, Random } from './corpus-gen/values.js';

const random = new Random(5);
const token = () => `ghp_${random.chars(ALNUM, 36)}`;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'gatehouse-secrets-dir-'));
}

describe('scanDirectory', () => {
  it('decodes UTF-16 files with a byte-order mark (a WinSCP registry export)', () => {
    const dir = tempDir();
    const reg = 'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\Software\\Martin Prikryl\\WinSCP 2\\Sessions\\deploy]\r\n"HostName"="web-01"\r\n"Password"="A35C4D5E6F70819293A4B5C6D7E8F90A1B2C3D4E5F60718293"\r\n';
    writeFileSync(join(dir, 'winscp.reg'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(reg, 'utf16le')]));
    const report = scanDirectory(dir);
    expect(report.findings.map((f) => [f.path, f.line, f.ruleId])).toEqual([['winscp.reg', 5, 'generic-password']]);
  });

  it('skips large and binary files, lists them, and does not follow symbolic links', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'big.env'), `GH_TOKEN=${token()}\n`.padEnd(2_000, '#'));
    writeFileSync(join(dir, 'blob.bin'), Buffer.from([1, 2, 0, 3]));
    writeFileSync(join(dir, 'data.txt'), Buffer.concat([Buffer.from(`T=${token()}`), Buffer.from([0])]));
    mkdirSync(join(dir, 'real'));
    writeFileSync(join(dir, 'real', 'a.env'), `GH_TOKEN=${token()}\n`);
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    const report = scanDirectory(dir, { maxFileBytes: 1_000 });
    expect(report.skipped).toEqual([
      { path: 'big.env', reason: 'too-large' },
      { path: 'blob.bin', reason: 'binary' },
      { path: 'data.txt', reason: 'binary' },
    ]);
    expect(report.findings.map((f) => f.path)).toEqual(['real/a.env']);
  });

  it('reads invalid UTF-8 and a huge single-line file without failing, and finds the tokens in them', () => {
    const dir = tempDir();
    const inLatin1 = token();
    const inHuge = token();
    writeFileSync(join(dir, 'latin1.env'), Buffer.concat([Buffer.from('NAME=caf'), Buffer.from([0xe9, 0xff, 0xfe, 0xc3]), Buffer.from(`\nGH_TOKEN=${inLatin1}\n`)]));
    writeFileSync(join(dir, 'bundle.js'), `var a="${'x'.repeat(4_000_000)}";var t="${inHuge}";`);
    const report = scanDirectory(dir);
    expect(report.findings.map((f) => [f.path, f.ruleId, f.line])).toEqual([
      ['bundle.js', 'github-pat', 1],
      ['latin1.env', 'github-pat', 2],
    ]);
    expect(report.skipped).toEqual([]);
    expect(JSON.stringify(report)).not.toContain(inLatin1);
  });

  it('matches allow-path globs against paths from the service folder and from the repository root', () => {
    const repo = tempDir();
    const service = join(repo, 'services', 'api');
    mkdirSync(join(service, 'fixtures'), { recursive: true });
    mkdirSync(join(service, 'src'), { recursive: true });
    writeFileSync(join(service, 'fixtures', '.env'), `GH_TOKEN=${token()}\n`);
    writeFileSync(join(service, 'src', 'a.env'), `GH_TOKEN=${token()}\n`);
    expect(scanDirectory(service, { allowPaths: ['fixtures/**'] }).findings.map((f) => f.path)).toEqual(['src/a.env']);
    const fromRoot = scanDirectory(service, { allowPaths: ['services/api/src/**'], repoRoot: repo });
    expect(fromRoot.findings.map((f) => f.path)).toEqual(['fixtures/.env']);
    expect(fromRoot.stats.filesAllowed).toBe(1);
  });

  it('matches allow-path globs from the repository root under a folder named with two leading dots', () => {
    const repo = tempDir();
    const service = join(repo, '..cache', 'api');
    mkdirSync(join(service, 'src'), { recursive: true });
    writeFileSync(join(service, 'src', 'a.env'), `GH_TOKEN=${token()}\n`);
    writeFileSync(join(service, 'b.env'), `GH_TOKEN=${token()}\n`);
    const fromRoot = scanDirectory(service, { allowPaths: ['..cache/api/src/**'], repoRoot: repo });
    expect(fromRoot.findings.map((f) => f.path)).toEqual(['b.env']);
  });

  it('finds the same secrets in the corpus with Windows line endings', () => {
    const manifest = loadManifest();
    const engine = new SecretEngine();
    for (const file of manifest.secretFiles.filter((f) => !f.endsWith('.p12'))) {
      const text = readFileSync(join(corpusFilesDir(manifest), file), 'utf8');
      const key = (m: { line: number; ruleId: string; secret: string }) => `${m.line} ${m.ruleId} ${m.secret}`;
      const unix = engine.scan(text, file).map(key);
      const windows = engine.scan(text.replace(/\n/g, '\r\n'), file).map(key);
      expect(windows, file).toEqual(unix);
    }
  });
});
