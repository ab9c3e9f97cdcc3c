// A findings page selects only the columns a finding row reads (FINDING_ROW_SELECT), not `f.*`: each
// listed row must be, byte for byte, the row built from the whole stored finding (getFinding still
// reads `f.*`), on both backends, with KEV/EPSS data, suppression, triage, fixed findings and sorts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FindingFilter, Store } from '../../../dashboard/store/types.js';
import { BACKENDS, openTestStore, storeLocation } from './backends.js';
import { day, makeReport } from './report-builder.js';

const KEV = { cve: 'CVE-2024-0001', dateAdded: '2025-12-01', dueDate: '2026-01-20', ransomware: 'unknown' as const };
const EPSS = { cve: 'CVE-2024-0001', probability: 0.42, percentile: 0.93 };

describe.each(BACKENDS)('%s listFindings rows', (backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  const now = new Date(day('2026-01-15'));

  beforeAll(async () => {
    const at = await storeLocation(backend);
    cleanup = at.cleanup;
    store = await openTestStore(at.location);
    const findings = [
      { fp: 'a', severity: 'critical' as const, extra: { kev: KEV, epss: EPSS } },
      { fp: 'b', severity: 'high' as const, suppressed: true },
      { fp: 'c', severity: 'low' as const, title: 'quoted "title" \u202E and <tag>' },
      { fp: 'd', severity: 'medium' as const, extra: { epss: { ...EPSS, probability: 0.01 } } },
      { fp: 'e', severity: 'info' as const },
      { fp: 'f' },
    ];
    await store.ingestScan(makeReport({ scanId: 's1', createdAt: day('2026-01-01'), findings }), 't');
    // 'e' is fixed by the next snapshot; 'c' gets a triage decision.
    await store.ingestScan(makeReport({ scanId: 's2', createdAt: day('2026-01-05'), findings: findings.filter((f) => f.fp !== 'e') }), 't');
    await store.setTriage('payments', ['fp-c0000'], { status: 'false_positive', reason: 'test only', owner: null, expiresAt: null, justification: null, decidedBy: 'alice' }, 'alice', now);
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  const filters: Partial<FindingFilter>[] = [
    {},
    { state: 'all' },
    { state: 'fixed' },
    { state: 'all', sort: 'age', order: 'asc' },
    { state: 'all', sort: 'epss' },
    { service: 'payments', sort: 'title', limit: 2, offset: 1 },
  ];

  it.each(filters)('lists the same rows as the whole stored findings give (%o)', async (filter) => {
    const { items, total } = await store.listFindings({ limit: 50, offset: 0, ...filter }, now);
    expect(total).toBeGreaterThan(0);
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      const whole = (await store.getFinding(item.service, item.fingerprint, now))!.row;
      expect(JSON.stringify(item)).toBe(JSON.stringify(whole));
    }
  });

  // A service page's rows (listFindings' `shown`) leave the stored location out (its table shows
  // `where`); the database then reads a stored finding only for its KEV listing or EPSS score.
  it.each(filters)('lists the rows a page shows as the whole stored findings give them, without their location (%o)', async (filter) => {
    const full = await store.listFindings({ limit: 50, offset: 0, ...filter }, now);
    const shown = await store.listFindings({ limit: 50, offset: 0, ...filter }, now, true);
    expect(shown.total).toBe(full.total);
    expect(shown.items.map((i) => i.fingerprint)).toEqual(full.items.map((i) => i.fingerprint));
    for (const item of shown.items) {
      const whole = (await store.getFinding(item.service, item.fingerprint, now))!.row;
      expect(whole.location).not.toEqual({});
      expect(JSON.stringify(item)).toBe(JSON.stringify({ ...whole, location: {} }));
    }
  });

  it('shows the KEV listing and EPSS score of the rows that have them (a page without locations)', async () => {
    const { items } = await store.listFindings({ limit: 50, offset: 0, state: 'all' }, now, true);
    const byFp = new Map(items.map((i) => [i.fingerprint, i]));
    expect(byFp.get('fp-a0000')).toMatchObject({ kev: KEV, epss: EPSS, location: {} });
    expect(byFp.get('fp-d0000')).toMatchObject({ kev: null, epss: { ...EPSS, probability: 0.01 } });
    expect(byFp.get('fp-f0000')).toMatchObject({ kev: null, epss: null });
  });

  it('carries what the stored finding has (the comparison is not of two empty rows)', async () => {
    const { items } = await store.listFindings({ limit: 50, offset: 0, state: 'all' }, now);
    const byFp = new Map(items.map((i) => [i.fingerprint, i]));
    expect(byFp.get('fp-a0000')).toMatchObject({ severity: 'critical', kev: KEV, epss: EPSS, state: 'open' });
    expect(byFp.get('fp-b0000')).toMatchObject({ suppressed: true });
    expect(byFp.get('fp-c0000')!.triage).toMatchObject({ status: 'false_positive', decidedBy: 'alice' });
    expect(byFp.get('fp-e0000')).toMatchObject({ state: 'fixed', fixedAt: '2026-01-05T12:00:00.000Z' });
  });
});
