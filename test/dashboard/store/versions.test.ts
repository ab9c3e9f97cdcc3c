// Per-service data versions (store/versions.ts) on both backends, as another process sharing the
// store reads them: an ingest, a PR scan or a triage change of one service moves that service's
// version and the global one, never another service's; a replayed scan moves nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toTriageRecord, TriageInputSchema } from '../../../dashboard/store/triage.js';
import type { Store } from '../../../dashboard/store/types.js';
import { BACKENDS, openTestStore, storeLocation } from './backends.js';
import { day, makeReport } from './report-builder.js';

const NOW = new Date('2026-03-10T12:00:00Z');

describe.each(BACKENDS)('%s store: data versions per service', (backend) => {
  let location: string;
  let cleanup: () => Promise<void>;
  let writer: Store;
  let reader: Store;
  beforeEach(async () => {
    ({ location, cleanup } = await storeLocation(backend));
    writer = await openTestStore(location);
    reader = await openTestStore(location);
    await writer.ingestScan(makeReport({ scanId: 'p1', createdAt: day('2026-03-01'), findings: [{ fp: 'aaaaa', severity: 'critical' }] }), 'test');
    await writer.ingestScan(makeReport({ scanId: 'b1', createdAt: day('2026-03-01'), services: ['billing'], findings: [{ fp: 'bbbbb' }] }), 'test');
  });
  afterEach(async () => {
    await writer.close();
    await reader.close();
    await cleanup();
  });

  /** The versions as the other process reads them now. */
  const versions = async () => ({ global: await reader.dataVersion(), payments: await reader.serviceVersion('payments'), billing: await reader.serviceVersion('billing') });

  it('moves the changed service and the global version, not the others', async () => {
    const heard: string[][] = [];
    reader.onServicesMoved((names) => heard.push(names));
    const v0 = await versions();
    expect(v0.payments).toBeLessThan(v0.billing); // each is the global version of its last change
    expect(v0.billing).toBe(v0.global);

    // A snapshot of payments.
    await writer.ingestScan(makeReport({ scanId: 'p2', createdAt: day('2026-03-02'), findings: [{ fp: 'aaaaa', severity: 'critical' }, { fp: 'ccccc' }] }), 'test');
    const v1 = await versions();
    expect(v1.global).toBeGreaterThan(v0.global);
    expect(v1.payments).toBe(v1.global);
    expect(v1.billing).toBe(v0.billing);
    expect(heard).toEqual([['payments']]);

    // A PR scan of billing (its page lists the scan).
    await writer.ingestScan(makeReport({ scanId: 'b-pr', kind: 'pr', createdAt: day('2026-03-03'), services: ['billing'], findings: [{ fp: 'ddddd' }], gate: 'failed' }), 'test');
    const v2 = await versions();
    expect(v2.billing).toBeGreaterThan(v1.billing);
    expect(v2.payments).toBe(v1.payments);

    // The same report again changes nothing.
    await writer.ingestScan(makeReport({ scanId: 'b-pr', kind: 'pr', createdAt: day('2026-03-03'), services: ['billing'], findings: [{ fp: 'ddddd' }], gate: 'failed' }), 'test');
    expect(await versions()).toEqual(v2);

    // Triage: set and clear on billing; a decision on nothing moves nothing.
    const fp = (await reader.listFindings({ service: 'billing', limit: 5, offset: 0 }, NOW)).items[0].fingerprint;
    await writer.setTriage('billing', [fp], toTriageRecord({ status: 'false_positive', reason: 'test only' }, 'alice', NOW), 'alice', NOW);
    const v3 = await versions();
    expect(v3.billing).toBeGreaterThan(v2.billing);
    expect(v3.payments).toBe(v2.payments);
    await writer.setTriage('payments', ['fp-nothing'], toTriageRecord({ status: 'false_positive', reason: 'test only' }, 'alice', NOW), 'alice', NOW);
    expect(await versions()).toEqual(v3);
    await writer.clearTriage('billing', [fp], 'alice', NOW);
    const v4 = await versions();
    expect(v4.billing).toBeGreaterThan(v3.billing);
    expect(v4.payments).toBe(v3.payments);

    // An acceptance that ends moves its service only.
    const until = toTriageRecord(TriageInputSchema.parse({ status: 'accepted_risk', reason: 'behind the VPN', owner: 'sec', until: '2026-03-11' }), 'alice', NOW);
    await writer.setTriage('payments', ['fp-aaaaa'], until, 'alice', NOW);
    const v5 = await versions();
    expect(await writer.expireTriage(new Date('2026-03-12T00:00:00Z'))).toBe(1);
    const v6 = await versions();
    expect(v6.payments).toBeGreaterThan(v5.payments);
    expect(v6.billing).toBe(v5.billing);
    // Another process hears each move once, as its next version read finds it.
    expect(heard).toEqual([['payments'], ['billing'], ['billing'], ['billing'], ['payments'], ['payments']]);
  });

  it('gives a name no service has the global version, and a new service its own', async () => {
    const before = await reader.dataVersion();
    expect(await reader.serviceVersion('search')).toBe(before);
    await writer.ingestScan(makeReport({ scanId: 's1', createdAt: day('2026-03-02'), services: ['search'] }), 'test');
    const created = await reader.serviceVersion('search');
    expect(created).toBeGreaterThan(before);
    expect(await reader.serviceVersion('payments')).toBeLessThan(before);
  });
});
