import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/finding.js';
import { mergeAcrossTools } from '../../src/findings/merge.js';
import { normalizeFindings } from '../../src/findings/normalize.js';
import { parseNpmAuditReport } from '../../src/scanners/npm-audit.js';
import { parsePnpmAuditReport } from '../../src/scanners/pnpm-audit.js';
import { parseTrivyReport } from '../../src/scanners/trivy.js';

const F = new URL('../../../shared/fixtures/scanners/', import.meta.url).pathname;
const read = (p: string) => readFileSync(F + p, 'utf8');
const ctx = { serviceDir: 'services/web' };

describe('mergeAcrossTools', () => {
  // Real output of npm 6 and pnpm audit on the same project (axios 0.15.3, follow-redirects 1.0.0).
  const npm = normalizeFindings(parseNpmAuditReport(read('npm-audit/legacy/npm6-v1-advisories.json'), ctx).findings, { service: 'web' });
  const pnpm = normalizeFindings(parsePnpmAuditReport(read('pnpm/pnpm-audit-json-5-advisories.json'), ctx).findings, { service: 'web' });

  it('makes one finding naming both tools of one advisory in one package, keeping every id', () => {
    const merged = mergeAcrossTools([...npm, ...pnpm]);
    const axios = merged.filter((f) => f.location.package?.name === 'axios');
    const npmAxios = npm.filter((f) => f.location.package?.name === 'axios');
    const pnpmAxios = pnpm.filter((f) => f.location.package?.name === 'axios');
    expect(npmAxios.length).toBeGreaterThan(0);
    expect(axios).toHaveLength(new Set([...npmAxios, ...pnpmAxios].map((f) => f.ruleId)).size);
    for (const f of axios) {
      expect(f.tools).toEqual(['npm-audit', 'pnpm-audit']);
      expect(f.aliases?.some((a) => a.startsWith('CVE-'))).toBe(true);
    }
    expect(merged.length).toBeLessThan(npm.length + pnpm.length);
  });

  it('keeps the fingerprint a single-tool finding had (dashboards keep their history)', () => {
    const merged = mergeAcrossTools([...npm, ...pnpm]);
    const before = new Set(npm.map((f) => f.fingerprint));
    for (const f of merged.filter((m) => m.tools)) expect(before.has(f.fingerprint)).toBe(true);
    // Alone, a tool's findings come out as they went in.
    expect(mergeAcrossTools(npm)).toEqual(npm);
  });

  it('takes the CVE-named finding as the identity, the worse severity and the union of fixed versions', () => {
    const trivy = normalizeFindings(parseTrivyReport(read('trivy/repo-npm-lockfile.json')).findings, { service: 'web' })[0]!;
    const osvLike: Finding = {
      ...trivy,
      tool: 'osv-scanner',
      ruleId: 'GHSA-xxxx-xxxx-xxxx'.replace(/x/g, 'c'),
      aliases: [trivy.ruleId.toLowerCase()],
      severity: 'critical',
      fingerprint: 'f'.repeat(32),
      location: { ...trivy.location, package: { ...trivy.location.package!, fixedVersions: ['9.9.9'] } },
    };
    const [one, ...rest] = mergeAcrossTools([osvLike, trivy]);
    expect(rest).toEqual([]);
    expect(one!.fingerprint).toBe(trivy.fingerprint);
    expect(one!.ruleId).toBe(trivy.ruleId);
    expect(one!.severity).toBe('critical');
    expect(one!.aliases).toContain('GHSA-cccc-cccc-cccc');
    expect(one!.location.package!.fixedVersions).toEqual([...trivy.location.package!.fixedVersions, '9.9.9']);
    expect(one!.tools).toEqual(['osv-scanner', 'trivy']);
  });

  it('never merges two findings of one tool, other packages or other versions', () => {
    const trivy = normalizeFindings(parseTrivyReport(read('trivy/repo-npm-lockfile.json')).findings, { service: 'web' })[0]!;
    const otherVersion: Finding = { ...trivy, tool: 'grype', location: { ...trivy.location, package: { ...trivy.location.package!, version: '0.0.1' } } };
    const otherService: Finding = { ...trivy, tool: 'grype', service: 'api' };
    const sameTool: Finding = { ...trivy, fingerprint: 'e'.repeat(32) };
    expect(mergeAcrossTools([trivy, otherVersion, otherService, sameTool])).toHaveLength(4);
  });
});
