import { describe, expect, it } from 'vitest';
import { ScannerOutputError } from '../../src/errors.js';
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import {
  hashMatchedCode,
  normalizeCwe,
  normalizeCweList,
  parseJsonOutput,
  readReportFile,
  splitVersions,
  toRepoPath,
} from '../../src/scanners/report-input.js';
import { fixturePath } from './fixtures.js';

describe('toRepoPath', () => {
  it('makes tool paths repository-relative with forward slashes', () => {
    expect(toRepoPath('src/app.js', { serviceDir: 'services/api' })).toBe('services/api/src/app.js');
    expect(toRepoPath('./src/app.js', { serviceDir: 'services/api/' })).toBe('services/api/src/app.js');
    expect(toRepoPath('src\\app.js', {})).toBe('src/app.js');
    expect(toRepoPath('/repo/services/api/go.mod', { repoRoot: '/repo', serviceDir: 'services/api' })).toBe('services/api/go.mod');
    expect(toRepoPath('file:///repo/a%20b.py', { repoRoot: '/repo/' })).toBe('a b.py');
    // Outside the repository: kept as the tool wrote it.
    expect(toRepoPath('/usr/lib/x.so', { repoRoot: '/repo' })).toBe('/usr/lib/x.so');
  });
});

describe('normalizeCwe', () => {
  it('reads the forms tools write', () => {
    expect(normalizeCwe('CWE-79: Improper Neutralization')).toBe('CWE-79');
    expect(normalizeCwe('cwe-079')).toBe('CWE-79');
    expect(normalizeCwe(89)).toBe('CWE-89');
    expect(normalizeCwe('OWASP A1')).toBeUndefined();
    expect(normalizeCweList(['CWE-20', 'CWE-20: again', 'x'])).toEqual(['CWE-20']);
    expect(normalizeCweList(undefined)).toEqual([]);
  });
});

describe('splitVersions and hashMatchedCode', () => {
  it('splits comma lists and drops empties', () => {
    expect(splitVersions('6.0.1, 5.0.1,, 4.1.1 ')).toEqual(['6.0.1', '5.0.1', '4.1.1']);
    expect(splitVersions('')).toEqual([]);
    expect(splitVersions(undefined)).toEqual([]);
  });
  it('hashes code the same whatever its indentation', () => {
    expect(hashMatchedCode('  eval(x)\n')).toBe(hashMatchedCode('eval(x)'));
    expect(hashMatchedCode('eval(x)')).not.toBe(hashMatchedCode('eval(y)'));
  });
});

describe('parseJsonOutput', () => {
  it('accepts a BOM and surrounding whitespace, refuses empty output naming the tool', () => {
    expect(parseJsonOutput('t', '\uFEFF  {"a": 1}\n')).toEqual({ a: 1 });
    expect(() => parseJsonOutput('trivy', '   ')).toThrow(ScannerOutputError);
    expect(() => parseJsonOutput('trivy', '   ')).toThrow(/trivy output is not valid: empty output/);
  });
});

describe('readReportFile', () => {
  it('reads every trivy fixture as readFile does (UTF-8, non-ASCII text included)', async () => {
    const names = readdirSync(fixturePath('trivy')).filter((f) => /\.(json|sarif)$/.test(f));
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) {
      const file = fixturePath(`trivy/${name}`);
      expect(await readReportFile(file)).toBe(await readFile(file, 'utf8'));
    }
    // juice-shop has curly quotes in its advisories.
    expect(await readReportFile(fixturePath('trivy/image-juice-shop-v12.10.2.json'))).toContain('\u2019');
  });
  it('rejects a missing file with readFile\'s own error code', async () => {
    await expect(readReportFile(fixturePath('trivy/no-such-report.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
