// Migration (SQLite 10, PostgreSQL 11): the one "(root)" a dashboard stored before a repository's
// root service was named `<repository name>-root` (src/report/service-name.ts) takes that name, with
// its findings, scans, triage decisions and ingest keys, audited; the SQL of each backend names it
// as the TypeScript rule the push uses does. A "(root)" of no known repository stays as it is.
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { PG_MIGRATIONS } from '../../../dashboard/store/postgres/migrations.js';
import { MIGRATIONS } from '../../../dashboard/store/sqlite/migrations.js';
import { toTriageRecord } from '../../../dashboard/store/triage.js';
import type { Store } from '../../../dashboard/store/types.js';
import { dashboardRootName } from '../../../src/report/service-name.js';
import { BACKENDS, openTestStore, storeLocation } from './backends.js';
import { makeReport } from './report-builder.js';

const AT = new Date('2026-11-01T10:00:00.000Z');

describe.each(BACKENDS)('%s store: the stored "(root)" renamed to its repository\'s root service', (backend) => {
  let cleanup: (() => Promise<void>) | undefined;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    await cleanup?.();
    store = undefined;
  });

  /** Back to the schema before the rename, with the "(root)" row named and owned as given, then opened again. */
  async function beforeRenameThenReopen(location: string, repository: string | null): Promise<Store> {
    if (backend === 'sqlite') {
      const db = (store as unknown as { db: Database.Database }).db;
      db.prepare("UPDATE services SET name = '(root)', repository = ? WHERE id = (SELECT min(id) FROM services WHERE name LIKE '%root%')").run(repository);
      db.prepare("UPDATE ingest_keys SET service = '(root)' WHERE service LIKE '%root%'").run();
      db.pragma(`user_version = ${MIGRATIONS.findIndex((m) => m.includes('root_rename'))}`);
    } else {
      const pool = (store as unknown as { pool: pg.Pool }).pool;
      await pool.query("UPDATE services SET name = '(root)', repository = $1 WHERE id = (SELECT min(id) FROM services WHERE name LIKE '%root%')", [repository]);
      await pool.query("UPDATE ingest_keys SET service = '(root)' WHERE service LIKE '%root%'");
      await pool.query('UPDATE gatehouse_schema SET version = $1', [PG_MIGRATIONS.findIndex((m) => m.includes('root_rename'))]);
    }
    await store!.close();
    return openTestStore(location);
  }

  it('keeps findings, scans and triage under the new name, audited; the SQL names it as dashboardRootName does', async () => {
    const loc = await storeLocation(backend);
    cleanup = loc.cleanup;
    store = await openTestStore(loc.location);
    // A report of an old push: "(root)" as the engine names it, from acme/shop.
    const report = makeReport({ scanId: 'old-push', createdAt: AT.toISOString(), services: ['(root)'], findings: [{ fp: 'aaaaa' }, { fp: 'bbbbb' }] });
    await store.ingestScan({ ...report, source: { repository: 'acme/shop', commit: 'c0ffee' } }, 'test');
    await store.setTriage('(root)', ['fp-aaaaa'], toTriageRecord({ status: 'false_positive', reason: 'a test image' }, 'dana', AT), 'dana', AT);
    store = await beforeRenameThenReopen(loc.location, 'acme/shop');

    expect(await store.hasService('(root)')).toBe(false);
    expect((await store.listFindings({ service: 'shop-root', state: 'open', limit: 10, offset: 0 }, AT)).total).toBe(2);
    expect(await store.listScans('shop-root', 10)).toHaveLength(1);
    expect((await store.listTriage(['shop-root'], AT)).map((d) => d.fingerprint)).toEqual(['fp-aaaaa']);
    const audit = (await store.listAudit(10, 'service.rename')).map((a) => a.detail);
    expect(audit).toEqual([{ from: '(root)', to: 'shop-root', repository: 'acme/shop' }]);
    // Its scan id is known under the new name (the ingest key moved with it): not stored a second time.
    const again = await store.ingestScan({ ...report, services: [{ name: 'shop-root', path: '' }], findings: report.findings.map((f) => ({ ...f, service: 'shop-root' })), scanners: report.scanners.map((s) => ({ ...s, service: 'shop-root' })), source: { repository: 'acme/shop', commit: 'c0ffee' } }, 'test');
    expect(again.status).toBe('conflict');

    // Repository names the rule must handle alike in SQL and TypeScript.
    for (const repository of ['gitlab.example.com/acme/billing', 'acme/shop.git', 'acme/.github', 'acme/web_app', 'host/group/My Repo', 'acme/digit', 'acme/api.GIT/']) {
      store = await beforeRenameThenReopen(loc.location, repository);
      const expected = dashboardRootName(repository)!;
      expect(await store.hasService(expected), repository).toBe(true);
      expect(await store.hasService('(root)')).toBe(false);
    }
  });

  it('leaves a "(root)" of no known repository as it is', async () => {
    const loc = await storeLocation(backend);
    cleanup = loc.cleanup;
    store = await openTestStore(loc.location);
    await store.ingestScan(makeReport({ scanId: 'tarball', createdAt: AT.toISOString(), services: ['(root)'], findings: [{ fp: 'ccccc' }] }), 'test');
    store = await beforeRenameThenReopen(loc.location, null);
    expect(await store.hasService('(root)')).toBe(true);
    expect(await store.listAudit(10, 'service.rename')).toEqual([]);
  });
});
