// A service belongs to the repository its scans come from. Services are keyed by name alone and
// every repository has a "(root)" (names like "api" repeat too), so another repository's snapshot
// must be refused as a whole, never allowed to mark this repository's findings fixed (review21's
// hole: bank-of-anthos and contoso-real-estate pushed to one dashboard). A renamed or moved
// repository is the explicit override (`moveRepository`).
import { describe, expect, it } from 'vitest';
import { RepositoryMismatchError } from '../../../dashboard/store/errors.js';
import type { Store } from '../../../dashboard/store/types.js';
import { BACKENDS, freshStoreEach } from './backends.js';
import { day, makeReport } from './report-builder.js';

function fromRepository(repository: string | undefined, spec: Parameters<typeof makeReport>[0]) {
  const report = makeReport(spec);
  const { repository: _dropped, ...source } = report.source;
  report.source = repository === undefined ? source : { ...source, repository };
  return report;
}

/** Everything a reader sees of one service, to show a refused ingest changed none of it. */
async function seen(store: Store, service: string) {
  const findings = await store.listFindings({ service, limit: 100, offset: 0 }, new Date('2026-12-01T00:00:00Z'));
  return {
    findings,
    scans: await store.listScans(service, 100),
    posture: await store.postureSeries(service, { from: '2026-10-01', to: '2026-11-30' }),
    overview: await store.listServiceOverview(new Date('2026-12-01T00:00:00Z')),
    version: await store.dataVersion(),
  };
}

for (const backend of BACKENDS) {
  describe(`a service belongs to the repository its scans come from (${backend})`, () => {
    let store: Store;
    freshStoreEach(backend, (s) => (store = s));

    // review21's test (repository-collision.test.ts on review21-holes), as it was written.
    it("never marks one repository's findings fixed by another repository's snapshot", async () => {
      const shop = makeReport({ scanId: 'shop-1', createdAt: day('2026-11-01'), services: ['(root)'], findings: [{ fp: 'shop1' }] });
      const billing = makeReport({ scanId: 'billing-1', createdAt: day('2026-11-02'), services: ['(root)'], findings: [{ fp: 'bill1' }] });
      billing.source = { ...billing.source, repository: 'acme/billing' };
      await store.ingestScan(shop, 'test');
      try {
        await store.ingestScan(billing, 'test');
      } catch {
        // refusing the other repository's snapshot is one acceptable answer
      }
      const { items } = await store.listFindings({ service: '(root)', state: 'fixed', limit: 50, offset: 0 });
      expect(items.map((f) => f.fingerprint)).toEqual([]);
    });

    it('refuses the other repository with a typed error naming the field, the service and both repositories, and writes nothing', async () => {
      await store.ingestScan(fromRepository('acme/shop', { scanId: 'shop-1', createdAt: day('2026-11-01'), services: ['(root)'], findings: [{ fp: 'shop1' }] }), 'test');
      const before = await seen(store, '(root)');
      // A PR scan is refused as well: its scans would list on the other repository's service.
      for (const kind of ['snapshot', 'pr'] as const) {
        const other = fromRepository('acme/billing', { scanId: `billing-${kind}`, kind, createdAt: day('2026-11-02'), services: ['(root)'], findings: [{ fp: 'bill1' }] });
        const err = await store.ingestScan(other, 'test').then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(RepositoryMismatchError);
        const e = err as RepositoryMismatchError;
        expect([e.field, e.service, e.existing, e.incoming]).toEqual(['source.repository', '(root)', 'acme/shop', 'acme/billing']);
        expect(e.message).toContain('services[].name');
        expect(e.message).toContain('--move-repository');
      }
      expect(await seen(store, '(root)')).toEqual(before);
      expect(await store.hasService('billing-only')).toBe(false);
    });

    it('refuses a report with several services as a whole when one of them belongs to another repository', async () => {
      await store.ingestScan(fromRepository('acme/shop', { scanId: 'shop-1', createdAt: day('2026-11-01'), services: ['api'], findings: [{ fp: 'a1' }] }), 'test');
      const before = await seen(store, 'api');
      const both = fromRepository('acme/billing', { scanId: 'billing-1', createdAt: day('2026-11-02'), services: ['api', 'ledger'], findings: [{ fp: 'b1' }] });
      await expect(store.ingestScan(both, 'test')).rejects.toBeInstanceOf(RepositoryMismatchError);
      expect(await store.hasService('ledger')).toBe(false);
      expect(await seen(store, 'api')).toEqual(before);
    });

    it('takes the same repository, and an unknown repository on either side', async () => {
      await store.ingestScan(fromRepository('acme/shop', { scanId: 's1', createdAt: day('2026-11-01'), services: ['(root)'], findings: [{ fp: 'f1' }] }), 'test');
      const same = await store.ingestScan(fromRepository('acme/shop', { scanId: 's2', createdAt: day('2026-11-02'), services: ['(root)'], findings: [{ fp: 'f2' }] }), 'test');
      expect(same).toMatchObject({ status: 'created', opened: 1, fixed: 1 });
      // A report naming no repository (hand-made, or an old engine) is not compared.
      const unnamed = await store.ingestScan(fromRepository(undefined, { scanId: 's3', createdAt: day('2026-11-03'), services: ['(root)'], findings: [{ fp: 'f2' }] }), 'test');
      expect(unnamed.status).toBe('created');
      // A service whose scans name no repository takes the first that does.
      await store.ingestScan(fromRepository(undefined, { scanId: 'u1', createdAt: day('2026-11-01'), services: ['web'] }), 'test');
      const first = await store.ingestScan(fromRepository('acme/web', { scanId: 'u2', createdAt: day('2026-11-02'), services: ['web'] }), 'test');
      expect(first.status).toBe('created');
      await expect(store.ingestScan(fromRepository('acme/other', { scanId: 'u3', createdAt: day('2026-11-03'), services: ['web'] }), 'test')).rejects.toBeInstanceOf(RepositoryMismatchError);
      expect(first.moved).toBeUndefined();
    });

    it('takes a repository spelled in another case as the same one, for the rule and for retiring its services', async () => {
      // GitHub's names ignore case: the action sends "Acme/Shop", a laptop cloned acme/shop.
      const held = (repository: string, services: string[], spec: Parameters<typeof makeReport>[0]) => {
        const r = fromRepository(repository, spec);
        const { upgradedFrom: _v1, ...coverage } = r.coverage;
        const files = { total: services.length, perService: services.map((service) => ({ service, files: 1 })), categories: [], outsideServices: { count: 0, paths: [], scannedBy: [] }, excluded: [], unreadable: [] };
        return { ...r, version: 2 as const, coverage: { ...coverage, files } };
      };
      await store.ingestScan(held('Acme/Shop', ['api', 'users'], { scanId: 'a1', createdAt: day('2026-11-01'), services: ['api', 'users'], findings: [{ fp: 'a1' }] }), 'test');
      const laptop = await store.ingestScan(held('acme/shop', ['api'], { scanId: 'a2', createdAt: day('2026-11-02'), services: ['api'], findings: [{ fp: 'a1' }] }), 'test');
      expect(laptop).toMatchObject({ status: 'created', retired: ['users'] });
      expect(laptop.moved).toBeUndefined();
      // Another repository is still another one.
      await expect(store.ingestScan(fromRepository('acme/shop-2', { scanId: 'a3', createdAt: day('2026-11-03'), services: ['api'] }), 'test')).rejects.toBeInstanceOf(RepositoryMismatchError);
    });

    it('moves the service to the new repository on the explicit override, and keeps it there', async () => {
      await store.ingestScan(fromRepository('acme/shop', { scanId: 's1', createdAt: day('2026-11-01'), services: ['(root)'], findings: [{ fp: 'f1' }] }), 'test');
      const moved = await store.ingestScan(
        fromRepository('acme/shop-renamed', { scanId: 's2', createdAt: day('2026-11-02'), services: ['(root)'], findings: [{ fp: 'f1' }] }),
        'test',
        '*',
        { moveRepository: true },
      );
      expect(moved).toMatchObject({ status: 'created', moved: [{ service: '(root)', from: 'acme/shop', to: 'acme/shop-renamed' }] });
      // The findings carry on (same fingerprint: refreshed, not fixed and reopened).
      expect((await store.listFindings({ service: '(root)', state: 'open', limit: 10, offset: 0 })).total).toBe(1);
      expect((await store.listFindings({ service: '(root)', state: 'fixed', limit: 10, offset: 0 })).total).toBe(0);
      // From now on the new repository is the service's; the old one is the stranger.
      expect((await store.ingestScan(fromRepository('acme/shop-renamed', { scanId: 's3', createdAt: day('2026-11-03'), services: ['(root)'], findings: [{ fp: 'f1' }] }), 'test')).moved).toBeUndefined();
      await expect(store.ingestScan(fromRepository('acme/shop', { scanId: 's4', createdAt: day('2026-11-04'), services: ['(root)'] }), 'test')).rejects.toMatchObject({
        existing: 'acme/shop-renamed',
        incoming: 'acme/shop',
      });
    });

    it('still answers "already there" for the same scan pushed twice, the override or not', async () => {
      const report = fromRepository('acme/shop', { scanId: 's1', createdAt: day('2026-11-01'), services: ['(root)'], findings: [{ fp: 'f1' }] });
      expect((await store.ingestScan(report, 'test')).status).toBe('created');
      expect((await store.ingestScan(report, 'test')).status).toBe('duplicate');
      const moved = fromRepository('acme/new', { scanId: 's2', createdAt: day('2026-11-02'), services: ['(root)'] });
      expect((await store.ingestScan(moved, 'test', '*', { moveRepository: true })).status).toBe('created');
      // The retried push of the move: already there, no second move.
      const again = await store.ingestScan(moved, 'test', '*', { moveRepository: true });
      expect(again.status).toBe('duplicate');
      expect(again.moved).toBeUndefined();
    });
  });
}
