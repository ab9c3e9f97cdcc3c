import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScannerOutputError, UnsupportedFormatError } from '../../src/errors.js';
import { ParsedFindingSchema } from '../../src/findings/finding.js';
import { parsePnpmAuditReport, pnpmAuditAdapter } from '../../src/scanners/pnpm-audit.js';
import { GARBAGE_OUTPUTS, readFixture, severityCounts } from './fixtures.js';

// pnpm writes npm 6-style advisories, one version each here: the mapped counts equal the tool's
// (high 4, moderate 1 -> medium 1).
describe('parsePnpmAuditReport on recorded pnpm output', () => {
  it('pnpm-audit-json-5-advisories.json: five advisories against pnpm-lock.yaml', () => {
    const { findings } = parsePnpmAuditReport(readFixture('pnpm/pnpm-audit-json-5-advisories.json'), { serviceDir: 'web' });
    for (const f of findings) ParsedFindingSchema.parse(f);
    expect(severityCounts(findings)).toEqual({ high: 4, medium: 1 });
    const moderate = findings.find((f) => f.severity === 'medium');
    expect(moderate).toMatchObject({
      tool: 'pnpm-audit',
      ruleId: 'GHSA-pw2r-vq6v-hr8c',
      fix: 'upgrade follow-redirects to 1.14.8',
      location: { path: 'web/pnpm-lock.yaml', package: { ecosystem: 'npm', name: 'follow-redirects', version: '1.0.0' } },
      cwe: ['CWE-200'],
    });
    expect(moderate?.message).toContain('via axios>follow-redirects');
    expect(moderate?.message).not.toContain('.>');
  });
});

describe('parsePnpmAuditReport on bad input', () => {
  it('an error body (the registry refusing the audit) is a scanner error', () => {
    const text = JSON.stringify({ error: { code: 'ERR_PNPM_AUDIT_BAD_RESPONSE', message: 'The audit endpoint responded with 405' } });
    expect(() => parsePnpmAuditReport(text)).toThrow(/ERR_PNPM_AUDIT_BAD_RESPONSE: The audit endpoint responded with 405/);
  });
  for (const [what, text] of Object.entries(GARBAGE_OUTPUTS)) {
    it(`refuses ${what} with a typed error naming pnpm-audit`, () => {
      let error: unknown;
      try {
        parsePnpmAuditReport(text);
      } catch (e) {
        error = e;
      }
      expect(error instanceof ScannerOutputError || error instanceof UnsupportedFormatError).toBe(true);
      expect((error as ScannerOutputError).tool).toBe('pnpm-audit');
    });
  }
});

describe('pnpm-audit adapter', () => {
  it('runs pnpm audit with JSON output; exit 1 means vulnerabilities found', () => {
    expect(pnpmAuditAdapter.command({ service: 'a', dir: '/r/a', repoRoot: '/r', options: { 'omit-dev': true } })).toEqual([
      'pnpm', 'audit', '--json', '--prod',
    ]);
    expect(pnpmAuditAdapter.okExitCodes).toEqual([0, 1]);
  });

  it('applies only to a folder with its own pnpm-lock.yaml (it would otherwise audit a parent project)', () => {
    const repoRoot = mkdtempSync(path.join(tmpdir(), 'gatehouse-pnpm-'));
    writeFileSync(path.join(repoRoot, 'pnpm-lock.yaml'), "lockfileVersion: '9.0'\n");
    const dir = path.join(repoRoot, 'api');
    mkdirSync(dir);
    const target = { service: 'api', dir, repoRoot, options: {} };
    expect(pnpmAuditAdapter.appliesTo?.(target)).toBe(false);
    writeFileSync(path.join(dir, 'pnpm-lock.yaml'), "lockfileVersion: '9.0'\n");
    expect(pnpmAuditAdapter.appliesTo?.(target)).toBe(true);
  });
});

