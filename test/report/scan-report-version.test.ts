import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCAN_REPORT_VERSION, ScanReportSchema, ScanReportV1Schema, upgradeScanReport } from '../../src/report/scan-report.js';
import { buildReport } from '../reporters/build-report.js';

/** A version 1 body as engines before the coverage ledger wrote it. */
function versionOneBody(): Record<string, unknown> {
  const { coverage: _dropped, ...rest } = buildReport();
  return JSON.parse(JSON.stringify({ ...rest, version: 1 }));
}

describe('ScanReport versions', () => {
  it('writes version 2 with a coverage ledger', () => {
    expect(SCAN_REPORT_VERSION).toBe(2);
    const parsed = ScanReportSchema.parse(JSON.parse(JSON.stringify(buildReport())));
    expect(parsed.version).toBe(2);
    expect(parsed.coverage.scanners).toEqual([]);
  });

  it('still reads a version 1 body, lifting its scanner runs into the ledger', () => {
    const body = versionOneBody();
    const parsed = ScanReportSchema.parse(body);
    expect(parsed.version).toBe(2);
    expect(parsed.coverage.upgradedFrom).toBe(1);
    expect(parsed.coverage.files).toBeUndefined();
    const v1 = ScanReportV1Schema.parse(body);
    expect(parsed.coverage.scanners).toHaveLength(v1.scanners.length);
    const failed = v1.scanners.find((r) => r.status === 'error')!;
    expect(parsed.coverage.scanners).toContainEqual({ service: failed.service, scanner: failed.scanner, category: failed.category, state: 'failed', reason: failed.error });
    expect(parsed.coverage.scanners.filter((e) => e.state === 'ran')).toHaveLength(v1.scanners.filter((r) => r.status === 'ok').length);
    expect(upgradeScanReport(v1)).toEqual(parsed);
    expect(parsed.findings).toEqual(v1.findings);
  });

  it('reads the recorded version 1 fixture the push tests use', () => {
    const body = JSON.parse(readFileSync(new URL('../fixtures/github/scan-report.json', import.meta.url), 'utf8'));
    const parsed = ScanReportSchema.parse(body);
    expect(parsed.version).toBe(2);
    expect(parsed.coverage.upgradedFrom).toBe(body.version === 1 ? 1 : undefined);
  });

  it('names the field at fault for each version, and refuses an unknown version', () => {
    const v1 = { ...versionOneBody(), scanId: 5 };
    expect(ScanReportSchema.safeParse(v1).error!.issues[0]!.path).toEqual(['scanId']);
    const v2 = { ...JSON.parse(JSON.stringify(buildReport())), coverage: { scanners: [{ service: 'a', scanner: 'x', category: 'secret', state: 'maybe' }] } };
    expect(ScanReportSchema.safeParse(v2).error!.issues[0]!.path).toEqual(['coverage', 'scanners', 0, 'state']);
    const v3 = { ...versionOneBody(), version: 3 };
    expect(ScanReportSchema.safeParse(v3).error!.issues[0]!.path).toEqual(['version']);
  });
});
