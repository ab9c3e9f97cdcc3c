import { describe, expect, it } from 'vitest';
import { advisoryUrl, canonicalAliases, canonicalVulnId, findingIds } from '../../src/enrich/ids.js';

describe('canonicalVulnId', () => {
  it('writes CVE ids in upper case and takes them out of suffixes and prefixes', () => {
    expect(canonicalVulnId('CVE-2021-44228')).toEqual({ id: 'CVE-2021-44228', rewritten: false });
    expect(canonicalVulnId('cve-2021-44228')).toEqual({ id: 'CVE-2021-44228', rewritten: true });
    expect(canonicalVulnId(' CVE-2021-44228 (log4shell)')).toEqual({ id: 'CVE-2021-44228', rewritten: true });
    expect(canonicalVulnId('NVD:cve_2021_44228:')).toEqual({ id: 'CVE-2021-44228', rewritten: true });
  });

  it('writes GHSA bodies in lower case as GitHub does', () => {
    expect(canonicalVulnId('GHSA-JFH8-C2JP-5V3Q')?.id).toBe('GHSA-jfh8-c2jp-5v3q');
    expect(canonicalVulnId('GHSA-jfh8-c2jp-5v3q')?.rewritten).toBe(false);
  });

  it('keeps OSV-style ids (GO-, RUSTSEC-, PYSEC-, distribution advisories) and refuses rule names', () => {
    for (const id of ['GO-2022-0969', 'RUSTSEC-2021-0078', 'PYSEC-2021-59', 'DLA-2501-1', 'ALAS-2021-1504', 'OSV-2020-111']) {
      expect(canonicalVulnId(id)).toEqual({ id, rewritten: false });
    }
    expect(canonicalVulnId('rustsec-2021-0078')?.id).toBe('RUSTSEC-2021-0078');
    for (const rule of ['javascript.lang.security.audit.eval', 'no-eval', 'generic-api-key', 'DS002', 'https://x']) {
      expect(canonicalVulnId(rule), rule).toBeUndefined();
    }
  });

  it('lists a finding\'s ids once each, rule id first, and links advisories', () => {
    expect(findingIds({ ruleId: 'GHSA-35jh-r3h4-6jhm', aliases: ['CVE-2021-23337', 'cve-2021-23337'] })).toEqual(['GHSA-35jh-r3h4-6jhm', 'CVE-2021-23337']);
    expect(canonicalAliases('CVE-1-2', ['CVE-2021-23337', 'CVE-2021-23337', 'npm-advisory-1673'])).toEqual(['CVE-2021-23337', 'npm-advisory-1673']);
    expect(advisoryUrl('CVE-2021-44228')).toBe('https://nvd.nist.gov/vuln/detail/CVE-2021-44228');
    expect(advisoryUrl('GHSA-35jh-r3h4-6jhm')).toBe('https://github.com/advisories/GHSA-35jh-r3h4-6jhm');
    expect(advisoryUrl('RUSTSEC-2021-0078')).toBe('https://osv.dev/vulnerability/RUSTSEC-2021-0078');
    expect(advisoryUrl('python.lang.eval')).toBeUndefined();
  });
});
