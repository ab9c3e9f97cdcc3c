import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ParsedFinding } from '../../src/findings/finding.js';
import { fingerprintFinding, fingerprintParts } from '../../src/findings/fingerprint.js';
import { normalizeFindings } from '../../src/findings/normalize.js';
import { sha256Hex } from '../../src/findings/redact.js';
import { parseSemgrepReport } from '../../src/scanners/semgrep.js';
import { parseTrivyReport } from '../../src/scanners/trivy.js';

const TRIVY = new URL('../../../shared/fixtures/scanners/trivy', import.meta.url).pathname;
const here = import.meta.dirname;

// A semgrep-like matcher over a real file: each rule is a regular expression; each match becomes a
// result in semgrep's own `--json` shape (check_id, path, start/end, extra.lines = the matched
// lines), which then goes through the real semgrep parser, as a semgrep run would.
const RULES = [
  { id: 'python.lang.security.audit.formatted-sql-query', pattern: /cursor\.execute\(\s*"[^"]*"\s*%[^)]*\)/g },
  { id: 'python.lang.security.audit.subprocess-shell-true', pattern: /subprocess\.\w+\([^\n]*shell=True\)/g },
  { id: 'python.lang.security.audit.eval-detected', pattern: /\beval\([^)\n]*\)/g },
];

function semgrepJsonFor(source: string, path: string): string {
  const results = RULES.flatMap((rule) =>
    [...source.matchAll(rule.pattern)].map((m) => {
      const before = source.slice(0, m.index);
      const startLine = before.split('\n').length;
      const endLine = startLine + m[0].split('\n').length - 1;
      const lines = source.split('\n').slice(startLine - 1, endLine).join('\n');
      return {
        check_id: rule.id,
        path,
        start: { line: startLine, col: m.index - before.lastIndexOf('\n') },
        end: { line: endLine, col: 1 },
        extra: { message: `matched ${rule.id}`, severity: 'ERROR', lines, metadata: { cwe: ['CWE-78'] }, is_ignored: false },
      };
    }),
  );
  return JSON.stringify({ results, errors: [], version: '1.84.1' });
}

function scanLikeSemgrep(source: string, path: string): ParsedFinding[] {
  return parseSemgrepReport(semgrepJsonFor(source, path)).findings;
}

describe('fingerprints', () => {
  it('are the same when the same trivy report is scanned twice', () => {
    const text = readFileSync(join(TRIVY, 'repo-securecodebox-many-lockfiles.json'), 'utf8');
    const first = normalizeFindings(parseTrivyReport(text).findings, { service: 'scb' });
    const second = normalizeFindings(parseTrivyReport(text).findings, { service: 'scb' });
    expect(first.length).toBeGreaterThan(30);
    expect(new Set(first.map((f) => f.fingerprint)).size).toBe(first.length);
    expect(second.map((f) => f.fingerprint)).toEqual(first.map((f) => f.fingerprint));
  });

  it('keep a code finding when its block moves down the file and unrelated lines are edited', () => {
    const original = readFileSync(join(here, 'fixtures/worker.py'), 'utf8');
    // Move load_customer below archive(), add a header comment and an import, edit an unrelated line,
    // and re-indent nothing the rules match.
    const loadCustomer = original.slice(original.indexOf('def load_customer'), original.indexOf('def archive'));
    const edited = original
      .replace(loadCustomer, '')
      .replace('def evaluate_formula', `${loadCustomer}def evaluate_formula`)
      .replace('"""Report worker', '# Copyright 2026 Example Corp\n# Licensed under MIT\n"""Report worker')
      .replace('import sqlite3', 'import logging\nimport sqlite3')
      .replace('"/var/lib/reports"', '"/srv/reports"');

    const before = scanLikeSemgrep(original, 'services/worker/worker.py');
    const after = scanLikeSemgrep(edited, 'services/worker/worker.py');
    expect(before).toHaveLength(3);
    expect(after).toHaveLength(3);
    expect(before.every((f) => f.matchHash && /^[0-9a-f]{64}$/.test(f.matchHash))).toBe(true);
    // The lines really moved ...
    const line = (fs: ParsedFinding[], rule: string) => fs.find((f) => f.ruleId.endsWith(rule))!.location.startLine;
    expect(line(after, 'formatted-sql-query')).not.toBe(line(before, 'formatted-sql-query'));
    expect(line(after, 'eval-detected')).not.toBe(line(before, 'eval-detected'));
    // ... and the fingerprints did not.
    const fps = (fs: ParsedFinding[]) => new Map(fs.map((f) => [f.ruleId, fingerprintFinding(f, 'worker')]));
    expect(fps(after)).toEqual(fps(before));
  });

  it('change when the matched code itself changes', () => {
    const original = readFileSync(join(here, 'fixtures/worker.py'), 'utf8');
    const changed = original.replace('return eval(formula)', 'return eval(formula.strip())');
    const fp = (src: string) =>
      fingerprintFinding(scanLikeSemgrep(src, 'w.py').find((f) => f.ruleId.endsWith('eval-detected'))!, 'worker');
    expect(fp(changed)).not.toBe(fp(original));
  });

  it('ignore the installed version of a dependency but keep service and package path apart', () => {
    const text = readFileSync(join(TRIVY, 'repo-npm-lockfile.json'), 'utf8');
    const [finding] = parseTrivyReport(text).findings;
    expect(finding).toBeDefined();
    const f = finding!;
    const pkg = f.location.package!;
    const bumped: ParsedFinding = { ...f, location: { ...f.location, package: { ...pkg, version: '99.0.0' } } };
    expect(fingerprintFinding(bumped, 'api')).toBe(fingerprintFinding(f, 'api'));
    expect(fingerprintFinding(f, 'billing')).not.toBe(fingerprintFinding(f, 'api'));
    const nested: ParsedFinding = {
      ...f,
      location: { ...f.location, package: { ...pkg, path: 'node_modules/a/node_modules/' + pkg.name } },
    };
    expect(fingerprintFinding(nested, 'api')).not.toBe(fingerprintFinding(f, 'api'));
    expect(fingerprintParts(f, 'api')).not.toContain(pkg.version);
  });

  it('of a code finding do not contain the line number', () => {
    const f = scanLikeSemgrep(readFileSync(join(here, 'fixtures/worker.py'), 'utf8'), 'w.py')[0]!;
    const moved: ParsedFinding = { ...f, location: { ...f.location, startLine: 400, endLine: 402 } };
    expect(fingerprintFinding(moved, 's')).toBe(fingerprintFinding(f, 's'));
  });

  it('of a code finding without a match hash fall back to rule, path and title', () => {
    const f: ParsedFinding = {
      tool: 'hadolint',
      category: 'misconfig',
      ruleId: 'DL3007',
      title: 'Using latest is prone to errors',
      severity: 'medium',
      location: { path: 'Dockerfile', startLine: 1 },
      fixAvailable: false,
      message: 'Using latest',
    };
    expect(fingerprintFinding({ ...f, location: { path: 'Dockerfile', startLine: 9 } }, 's')).toBe(fingerprintFinding(f, 's'));
    expect(fingerprintFinding({ ...f, title: 'other' }, 's')).not.toBe(fingerprintFinding(f, 's'));
  });

  it('of secrets depend on the secret hash, never on the value itself', () => {
    const secret = (value: string): ParsedFinding => ({
      tool: 'gitleaks',
      category: 'secret',
      ruleId: 'github-pat',
      title: 'GitHub Personal Access Token',
      severity: 'high',
      location: { path: 'deploy.sh', startLine: 3 },
      fixAvailable: false,
      message: 'leaked',
      secretPreview: 'ghp_****',
      matchHash: sha256Hex(value),
    });
    const a = 'ghp_' + 'a'.repeat(36);
    const b = 'ghp_' + 'b'.repeat(36);
    expect(fingerprintFinding(secret(a), 's')).not.toBe(fingerprintFinding(secret(b), 's'));
    expect(fingerprintParts(secret(a), 's').join(' ')).not.toContain(a);
  });
});
