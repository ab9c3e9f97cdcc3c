import { describe, expect, it } from 'vitest';
import { ScannerOutputError, UnsupportedFormatError } from '../../src/errors.js';
import { ParsedFindingSchema } from '../../src/findings/finding.js';
import { grypeAdapter, parseGrypeReport } from '../../src/scanners/grype.js';
import { countBy, GARBAGE_OUTPUTS, readFixture, severityCounts } from './fixtures.js';

// grype's title-case levels map one to one (Critical/High/Medium/Low -> critical/high/medium/low;
// Negligible -> info). The one match without a severity key (CVE-2024-26308) is unknown, so the
// mapped counts equal PROVENANCE's (Critical 1, High 18, Medium 13, Low 2, null 1).
describe('parseGrypeReport on recorded grype output', () => {
  it('grype-0.96.0-image-35-matches.json: 35 container findings, the one without severity kept as unknown', () => {
    const { findings, toolVersion } = parseGrypeReport(readFixture('grype/grype-0.96.0-image-35-matches.json'));
    for (const f of findings) ParsedFindingSchema.parse(f);
    expect(findings).toHaveLength(35);
    expect(severityCounts(findings)).toEqual({ critical: 1, high: 18, medium: 13, low: 2, unknown: 1 });
    expect(toolVersion).toBe('0.96.0');
    expect(findings.every((f) => f.category === 'container' && f.location.image === 'quay.io/cloudservices/xjoin-kafka-connect-strimzi:latest')).toBe(true);
    expect(countBy(findings, (f) => f.location.package?.ecosystem ?? '')).toEqual({ redhat: 32, maven: 3 });

    const unknown = findings.find((f) => f.severity === 'unknown');
    expect(unknown).toMatchObject({ ruleId: 'CVE-2024-26308', toolSeverity: 'none given', fix: 'upgrade commons-compress to 1.26.0' });

    // The same CVE in two jars stays two findings, told apart by the jar path.
    const avro = findings.filter((f) => f.ruleId === 'CVE-2023-39410');
    expect(avro.map((f) => f.location.package?.path).sort()).toEqual([
      '/opt/kafka/libs/avro/avro-1.9.2.jar',
      '/opt/kafka/plugins/apicurio/avro-1.11.1.jar',
    ]);
    expect(findings.filter((f) => !f.fixAvailable)).toHaveLength(12);
    expect(findings[0]).toMatchObject({ ruleId: 'CVE-2023-38473', cvss: { score: 6.2 }, fix: 'upgrade avahi-libs to 0:0.7-21.el8_9.1' });
  });

  it('names the image from the context when given', () => {
    const { findings } = parseGrypeReport(readFixture('grype/grype-0.96.0-image-35-matches.json'), { image: 'registry.local/app:1' });
    expect(findings[0]?.location.image).toBe('registry.local/app:1');
  });
});

describe('parseGrypeReport on bad input', () => {
  for (const [what, text] of Object.entries(GARBAGE_OUTPUTS)) {
    it(`refuses ${what} with a typed error naming grype`, () => {
      let error: unknown;
      try {
        parseGrypeReport(text);
      } catch (e) {
        error = e;
      }
      expect(error instanceof ScannerOutputError || error instanceof UnsupportedFormatError).toBe(true);
      expect((error as ScannerOutputError).tool).toBe('grype');
    });
  }
  it('names the match at fault', () => {
    expect(() => parseGrypeReport('{"matches": [{"vulnerability": {"id": "CVE-1"}}]}')).toThrow(/matches\.0\.artifact/);
  });
});

describe('grype adapter', () => {
  const target = { service: 'a', dir: '/r/a', repoRoot: '/r', options: {} };
  it('scans an image reference, or a docker save tarball as docker-archive:', () => {
    expect(grypeAdapter.command({ ...target, image: 'alpine:3.19' })).toEqual(['grype', 'alpine:3.19', '-o', 'json', '--quiet']);
    expect(grypeAdapter.command({ ...target, image: 'out/app.tar' })[1]).toBe('docker-archive:/r/out/app.tar');
  });
});
