import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/finding.js';
import { normalizeFindings } from '../../src/findings/normalize.js';
import { describeStep, planRemediation } from '../../src/remediation/plan.js';
import { parseTrivyReport } from '../../src/scanners/trivy.js';

const EXAMPLE = new URL('../../examples/recorded/', import.meta.url).pathname;
const exampleFindings = (file: string, service: string, ctx = {}) =>
  normalizeFindings(parseTrivyReport(readFileSync(EXAMPLE + file, 'utf8'), ctx).findings, { service });

describe('planRemediation', () => {
  const fs = exampleFindings('trivy-fs.json', 'billing-worker');

  it('finds the smallest version that fixes every finding of a package, per release line (django 2.2.0 -> 2.2.10)', () => {
    const django = planRemediation(fs.filter((f) => f.location.package?.name === 'django'))[0]!;
    expect(django).toMatchObject({ package: 'django', from: '2.2.0', to: '2.2.10', ecosystem: 'pypi' });
    expect(django.fixes).toHaveLength(3);
    expect(describeStep(django)).toBe('upgrade django 2.2.0 -> 2.2.10: 2 critical, 1 medium');
  });

  it('orders steps by risk: KEV first, then EPSS, then severity', () => {
    const withKev = fs.map((f): Finding => (f.ruleId === 'CVE-2018-18074' ? { ...f, kev: { cve: f.ruleId, dateAdded: '2025-01-01', ransomware: 'known' } } : f));
    const steps = planRemediation(withKev);
    expect(steps[0]!.package).toBe('requests');
    expect(steps[0]!.kev).toBe(1);
    expect(describeStep(steps[0]!)).toBe('upgrade requests 2.19.1 -> 2.31.0: 1 high, 1 medium, 1 KEV');
    const withEpss = fs.map((f): Finding => (f.ruleId === 'CVE-2020-14343' ? { ...f, epss: { cve: f.ruleId, probability: 0.3, percentile: 0.97 } } : f));
    expect(planRemediation(withEpss)[0]!.package).toBe('pyyaml');
  });

  it('Alpine packages of an image compare in apk order', () => {
    const image = exampleFindings('trivy-image-edge-proxy.json', 'edge-proxy');
    const crypto = planRemediation(image).find((s) => s.package === 'libcrypto1.1')!;
    expect(crypto).toMatchObject({ from: '1.1.1g-r0', to: '1.1.1l-r0' });
    expect(crypto.fixes).toHaveLength(2);
  });

  it('says when no fixed version is known, or the versions do not compare, and never guesses', () => {
    const base = fs.find((f) => f.location.package?.name === 'requests')!;
    const pkg = base.location.package!;
    const nofix: Finding = { ...base, ruleId: 'CVE-2099-1', fingerprint: '1'.repeat(32), fixAvailable: false, location: { ...base.location, package: { ...pkg, fixedVersions: [] } } };
    const odd: Finding = { ...base, ruleId: 'CVE-2099-2', fingerprint: '2'.repeat(32), location: { ...base.location, package: { ...pkg, fixedVersions: ['next release'] } } };
    const [onlyNoFix] = planRemediation([nofix]);
    expect(onlyNoFix).toMatchObject({ note: 'no fixed version is known for CVE-2099-1', unfixed: [nofix.fingerprint] });
    expect(onlyNoFix!.to).toBeUndefined();
    expect(describeStep(onlyNoFix!)).toMatch(/requests 2\.19\.1: no single upgrade known: 1 high \(no fixed version is known for CVE-2099-1\)/);
    const [withOdd] = planRemediation([base, odd]);
    expect(withOdd!.to).toBeUndefined();
    expect(withOdd!.note).toMatch(/versions that do not compare in pypi order \("next release"\)/);
    const unknown: Finding = { ...base, location: { ...base.location, package: { ...pkg, ecosystem: 'conan' } } };
    expect(planRemediation([unknown])[0]!.note).toMatch(/no version order is known for ecosystem "conan"/);
  });

  it('leaves suppressed findings and code findings out', () => {
    expect(planRemediation(fs.map((f) => ({ ...f, status: 'suppressed' as const })))).toEqual([]);
  });
});
