// A service that left its repository (store/retire.ts): review21 saw bank-of-anthos's userservice
// and contacts keep their open findings in the overview's totals and "SLA breaches now" for years
// after their folders moved. A snapshot whose coverage ledger no longer lists a service of its
// repository retires it (audited), its findings stay open but leave the totals, and its next
// snapshot brings it back. Real dashboard, real HTTP, both backends.
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PG_MIGRATIONS } from '../../../dashboard/store/postgres/migrations.js';
import { MIGRATIONS } from '../../../dashboard/store/sqlite/migrations.js';
import type { Store } from '../../../dashboard/store/types.js';
import type { ScanReport } from '../../../src/report/scan-report.js';
import { cookieFrom, FORM, hiddenCsrf } from '../pages/harness.js';
import { BACKENDS, openTestStore, storeLocation } from '../store/backends.js';
import { makeReport, type ReportSpec } from '../store/report-builder.js';
import { ADMIN_TOKEN, startTestDashboard, type TestDashboard } from './harness.js';

const DAY = 86_400_000;
const at = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY).toISOString();

/** One service's part of a snapshot of `repository` whose files held `held` (as the CLI's push sends it). */
function part(repository: string, held: string[], spec: ReportSpec): ScanReport {
  const r = makeReport(spec);
  const { upgradedFrom: _v1, ...coverage } = r.coverage;
  return {
    ...r,
    version: 2,
    source: { ...r.source, repository },
    coverage: {
      ...coverage,
      files: {
        total: held.length * 3,
        perService: held.map((service) => ({ service, files: 3 })),
        categories: [],
        outsideServices: { count: 0, paths: [], scannedBy: [] },
        excluded: [],
        unreadable: [],
      },
    },
  };
}

/** POST a scan (expecting 201) and GET a read answer as the admin, on the dashboard `dashboard()` gives. */
function adminCalls(dashboard: () => TestDashboard) {
  return {
    post: async (report: ScanReport) => {
      const res = await dashboard().call('POST', '/api/v1/scans', { token: ADMIN_TOKEN, body: report });
      expect(res.status, await res.clone().text()).toBe(201);
      return (await res.json()) as Record<string, unknown>;
    },
    get: async (path: string) => (await dashboard().call('GET', path, { token: ADMIN_TOKEN }).then((r) => r.json())) as Record<string, unknown>,
  };
}

describe.each(BACKENDS)('a service that left its repository (%s)', (backend) => {
  let t: TestDashboard;
  let cleanup: () => Promise<void>;
  const { post, get } = adminCalls(() => t);
  const services = async () => new Map(((await get('/api/v1/services')) as unknown as { services: { name: string; retired?: unknown; slaBreaches: number; open: { critical: number } }[] }).services.map((s) => [s.name, s]));
  let cookie = '';
  /** A page as a signed-in admin sees it (pages take a session, not a bearer token). */
  const page = async (path: string) => {
    if (!cookie) {
      const form = await t.call('GET', '/login');
      const res = await fetch(`${t.base}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: cookieFrom(form, 'gatehouse_login')!, 'content-type': FORM, origin: t.base },
        body: new URLSearchParams({ _csrf: hiddenCsrf(await form.text()), token: ADMIN_TOKEN }).toString(),
      });
      expect(res.status).toBe(303);
      cookie = cookieFrom(res, 'gatehouse_session')!;
    }
    return (await t.call('GET', path, { headers: { cookie } })).text();
  };
  const audit = async (action: string) => ((await get(`/api/v1/admin/audit?action=${action}`)).entries as { detail: Record<string, unknown> }[]).map((e) => e.detail);

  beforeAll(async () => {
    const store = await storeLocation(backend);
    cleanup = store.cleanup;
    t = await startTestDashboard({ db: store.location, warmPagesOnStart: 0 });
    const shop = ['api', 'users', '(root)'];
    // users' critical finding is 10 days old: past the 7-day SLA.
    await post(part('acme/shop', shop, { scanId: 's0/users', createdAt: at(10), services: ['users'], findings: [{ fp: 'users1', severity: 'critical' }] }));
    await post(part('acme/shop', shop, { scanId: 's1/api', createdAt: at(3), services: ['api'], findings: [{ fp: 'api01', severity: 'high' }] }));
    await post(part('acme/shop', shop, { scanId: 's1/users', createdAt: at(3), services: ['users'], findings: [{ fp: 'users1', severity: 'critical' }] }));
    // Another repository's service: a snapshot of acme/shop never touches it.
    await post(part('acme/billing', ['ledger'], { scanId: 'b1/ledger', createdAt: at(3), services: ['ledger'], findings: [{ fp: 'ledg1', severity: 'critical' }] }));
  });
  afterAll(async () => {
    await t?.stop();
    await cleanup?.();
  });

  it('retires the service a snapshot of its repository no longer holds, audited, out of the totals, findings kept open', async () => {
    const before = await services();
    expect(before.get('users')?.retired).toBeUndefined();
    const oldestOpen = async () => ((await get('/api/v1/week')) as { oldestOpen: { service: string }[] }).oldestOpen.map((f) => f.service);
    expect(await oldestOpen()).toContain('users');
    expect(before.get('users')?.slaBreaches).toBe(1);
    const when = at(1);
    // users' folder is gone: the next snapshot's ledger lists api and (root) only.
    const answer = await post(part('acme/shop', ['api', '(root)'], { scanId: 's2/api', createdAt: when, services: ['api'], findings: [{ fp: 'api01', severity: 'high' }] }));
    expect(Object.keys(answer)).not.toContain('retired');

    const after = await services();
    expect(after.get('users')?.retired).toEqual({ at: when, repository: 'acme/shop' });
    expect(after.get('api')?.retired).toBeUndefined();
    expect(after.get('ledger')?.retired).toBeUndefined();
    expect(await audit('service.retire')).toEqual([{ service: 'users', repository: 'acme/shop', commit: 'abc123', scanId: 's2/api' }]);
    // Its findings are as they were (not fixed: nobody fixed them), only out of the totals.
    const open = (await get('/api/v1/findings?service=users&state=open')) as { total: number };
    expect(open.total).toBe(1);
    const week = (await get('/api/v1/week')) as { slaBreachesNow: number };
    expect(week.slaBreachesNow).toBe(before.get('ledger')!.slaBreaches + (after.get('api')?.slaBreaches ?? 0));
    // Nor is its oldest open finding the week panel's to chase.
    expect(await oldestOpen()).not.toContain('users');

    const overview = await page('/');
    expect(overview).not.toContain('data-service="users"');
    expect(overview).toContain('data-service="ledger"');
    expect(overview).toMatch(/Retired \(a snapshot of their repository no longer held them; their open findings are not counted above\): <a href="[^"]*users">users<\/a> \(acme\/shop, since [^)]*, 1 open\)/);
    // api and ledger; users' critical and its SLA breach are not counted, ledger's critical is.
    expect(overview).toMatch(/<div class="card-value">2<\/div><div class="card-label">services<\/div>/);
    expect(overview).toMatch(/<div class="card-value">1<\/div><div class="card-label">open critical<\/div>/);
    expect(overview).toMatch(/<div class="card-value">0<\/div><div class="card-label">SLA breaches<\/div>/);
    expect(await page('/services/users')).toMatch(/<span class="marker stale-marker" title="a snapshot of acme\/shop at [^"]* no longer held this service[^"]*">retired<\/span>/);
  });

  it('never retires on a pull-request scan, a late snapshot, or another repository', async () => {
    // A PR scan's ledger without api, a snapshot older than api's last one, and acme/billing's.
    await post(part('acme/shop', ['(root)'], { scanId: 'pr1/(root)', kind: 'pr', createdAt: at(0.5), services: ['(root)'], findings: [] }));
    await post(part('acme/shop', ['users', '(root)'], { scanId: 'late/(root)', createdAt: at(2), services: ['(root)'], findings: [] }));
    const b2 = at(0.5);
    await post(part('acme/billing', ['ledger2'], { scanId: 'b2/ledger2', createdAt: b2, services: ['ledger2'], findings: [] }));
    const s = await services();
    expect(s.get('api')?.retired).toBeUndefined();
    expect(s.get('(root)')?.retired).toBeUndefined();
    // ledger is acme/billing's: its own repository's snapshot without it retires it, nothing else.
    expect(s.get('ledger')?.retired).toEqual({ at: b2, repository: 'acme/billing' });
    expect((await audit('service.retire')).map((d) => d.service).sort()).toEqual(['ledger', 'users']);
  });

  it('brings the service back with its next snapshot, audited', async () => {
    await post(part('acme/shop', ['api', 'users', '(root)'], { scanId: 's3/users', createdAt: at(0.1), services: ['users'], findings: [{ fp: 'users1', severity: 'critical' }] }));
    const s = await services();
    expect(s.get('users')?.retired).toBeUndefined();
    expect(s.get('users')?.slaBreaches).toBe(1);
    expect(await audit('service.return')).toEqual([{ service: 'users', repository: 'acme/shop', commit: 'abc123', scanId: 's3/users' }]);
    expect(await page('/')).toContain('data-service="users"');
  });
});

describe.each(BACKENDS)('services from before the migration (%s)', (backend) => {
  let cleanup: (() => Promise<void>) | undefined;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    await cleanup?.();
    store = cleanup = undefined;
  });

  it('learn their repository from their scans, so a deleted one is retired by the next whole-repository snapshot (not by a part)', async () => {
    const loc = await storeLocation(backend);
    cleanup = loc.cleanup;
    store = await openTestStore(loc.location);
    await store.ingestScan(part('acme/shop', ['api', 'users'], { scanId: 's1/users', createdAt: at(5), services: ['users'], findings: [{ fp: 'users1' }] }), 'test');
    await store.ingestScan(part('acme/billing', ['ledger'], { scanId: 'b1/ledger', createdAt: at(5), services: ['ledger'], findings: [{ fp: 'ledg1' }] }), 'test');
    // Back to the schema before the migration (its columns gone), then open again: it fills them.
    const migration = (list: readonly string[]) => list.findIndex((m) => m.includes('ADD COLUMN retired_at'));
    if (backend === 'sqlite') {
      const db = (store as unknown as { db: Database.Database }).db;
      db.exec('DROP INDEX services_by_repository; ALTER TABLE services DROP COLUMN repository; ALTER TABLE services DROP COLUMN retired_at; ALTER TABLE services DROP COLUMN repository_folder');
      db.pragma(`user_version = ${migration(MIGRATIONS)}`);
    } else {
      const pool = (store as unknown as { pool: pg.Pool }).pool;
      await pool.query('ALTER TABLE services DROP COLUMN repository, DROP COLUMN retired_at, DROP COLUMN repository_folder');
      await pool.query('UPDATE gatehouse_schema SET version = $1', [migration(PG_MIGRATIONS)]);
    }
    await store.close();
    store = await openTestStore(loc.location);
    // users' folder is not known (no scan said where it was scanned from): a snapshot of one folder
    // of the repository does not speak for it, even one holding where it was (services/).
    const partOnly = part('acme/shop', ['api'], { scanId: 's2/api', createdAt: at(2), services: ['api'], findings: [] });
    const fromServices = await store.ingestScan({ ...partOnly, source: { ...partOnly.source, root: 'services' }, services: [{ name: 'api', path: 'api' }] }, 'test');
    expect(fromServices.retired ?? []).toEqual([]);
    const when = at(1);
    const result = await store.ingestScan(part('acme/shop', ['api'], { scanId: 's3/api', createdAt: when, services: ['api'], findings: [] }), 'test');
    expect(result.retired).toEqual(['users']);
    const overview = new Map((await store.listServiceOverview()).map((o) => [o.name, o.retired]));
    expect(overview).toEqual(new Map([['api', undefined], ['ledger', undefined], ['users', { at: when, repository: 'acme/shop' }]]));
  });
});

/**
 * A snapshot of one folder (`root`) of acme/mono, as one job of a monorepo's matrix sends it: its
 * services with their paths relative to that folder, its ledger naming those services only.
 */
function monorepoPart(root: string | undefined, services: { name: string; path: string }[], spec: Omit<ReportSpec, 'services'>): ScanReport {
  const r = part('acme/mono', services.map((s) => s.name), { ...spec, services: services.map((s) => s.name) });
  return { ...r, source: { ...r.source, ...(root === undefined ? {} : { root }) }, services };
}

describe.each(BACKENDS)('a repository scanned in parts, one job per folder (%s)', (backend) => {
  let t: TestDashboard;
  let cleanup: () => Promise<void>;
  const { post, get } = adminCalls(() => t);
  const retired = async () =>
    ((await get('/api/v1/services')) as unknown as { services: { name: string; retired?: { at: string } }[] }).services.filter((s) => s.retired).map((s) => s.name).sort();
  const audit = async () => ((await get('/api/v1/admin/audit?action=service.retire')).entries as { detail: Record<string, unknown> }[]).map((e) => e.detail);
  // The matrix: services/a (one service, the part's own folder), and apps (two services below it).
  const partA = (scanId: string, createdAt: string) => monorepoPart('services/a', [{ name: 'a', path: '' }], { scanId, createdAt, findings: [{ fp: 'aaaa1', severity: 'high' }] });
  const partApps = (scanId: string, createdAt: string, services = ['web', 'api']) =>
    monorepoPart('apps', services.map((name) => ({ name, path: name })), { scanId, createdAt, findings: [{ fp: 'apps1', severity: 'critical' }] });

  beforeAll(async () => {
    const store = await storeLocation(backend);
    cleanup = store.cleanup;
    t = await startTestDashboard({ db: store.location, warmPagesOnStart: 0 });
  });
  afterAll(async () => {
    await t?.stop();
    await cleanup?.();
  });

  it('two parts ingested alternately retire none of each other\'s services', async () => {
    for (let run = 0; run < 3; run++) {
      const a = await post(partA(`run${run}/a`, at(10 - run * 2)));
      const apps = await post(partApps(`run${run}/apps`, at(9 - run * 2)));
      expect(Object.keys(a)).not.toContain('retired');
      expect(Object.keys(apps)).not.toContain('retired');
    }
    expect(await retired()).toEqual([]);
    expect(await audit()).toEqual([]);
    const overview = (await get('/api/v1/services')) as unknown as { services: { name: string }[] };
    expect(overview.services.map((s) => s.name).sort()).toEqual(['a', 'api', 'web']);
  });

  it("a part retires a service deleted inside its own folder, audited with the part's folder", async () => {
    // apps/web was deleted: apps' next snapshot names api only. services/a's part runs after it.
    await post(partApps('run3/apps', at(3), ['api']));
    await post(partA('run3/a', at(2.5)));
    expect(await retired()).toEqual(['web']);
    expect(await audit()).toEqual([{ service: 'web', repository: 'acme/mono', commit: 'abc123', scanId: 'run3/apps', root: 'apps' }]);
  });

  it('a whole-repository snapshot still retires the service of a deleted folder', async () => {
    // services/a was deleted; a snapshot of the whole repository (no root) names apps/api only.
    const whole = await post(monorepoPart(undefined, [{ name: 'api', path: 'apps/api' }], { scanId: 'whole/api', createdAt: at(2) }));
    expect(Object.keys(whole)).not.toContain('retired');
    expect(await retired()).toEqual(['a', 'web']);
    expect((await audit()).find((d) => d.service === 'a')).toEqual({ service: 'a', repository: 'acme/mono', commit: 'abc123', scanId: 'whole/api' });
  });

  it('refuses a root that climbs out of the repository or is absolute, naming the field', async () => {
    for (const root of ['../x', 'services/../../x', '/abs', 'C:/abs', 'services\\a', 'services/a/', './services/a']) {
      const res = await t.call('POST', '/api/v1/scans', { token: ADMIN_TOKEN, body: monorepoPart(root, [{ name: 'a', path: '' }], { scanId: `bad/${root}`, createdAt: at(1) }) });
      expect(res.status, root).toBe(400);
      expect(((await res.json()) as { field?: string }).field, root).toBe('source.root');
    }
  });
});
