import { describe, expect, it } from 'vitest';
import { ScannerOutputError } from '../../src/errors.js';
import { hashMatchedCode, normalizeCwe, normalizeCweList, parseJsonOutput, splitVersions, toRepoPath } from '../../src/scanners/report-input.js';

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
