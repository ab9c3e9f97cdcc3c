// An ingest's audit rows are written in the ingest's own transaction: a scan is never stored without
// them (before, the API wrote them after the commit; a failed write left the scan on record with no
// audit row, and the client's retry got `duplicate`, so none ever came).
import { describe, expect, it } from 'vitest';
import type { Store } from '../../../dashboard/store/types.js';
import { BACKENDS, execOnStoreDatabase, freshStoreEach } from './backends.js';
import { day, makeReport } from './report-builder.js';


const REFUSE_AUDIT = {
  sqlite: "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'audit refused'); END;",
  postgres: `CREATE FUNCTION refuse_audit() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'audit refused'; END $$ LANGUAGE plpgsql;
    CREATE TRIGGER refuse_audit BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION refuse_audit();`,
};
const ALLOW_AUDIT = { sqlite: 'DROP TRIGGER refuse_audit;', postgres: 'DROP TRIGGER refuse_audit ON audit;' };

describe.each(BACKENDS)('%s: an ingest and its audit rows', (backend) => {
  let location: string;
  let store: Store;
  freshStoreEach(backend, (s, at) => {
    store = s;
    location = at;
  });

  it("writes who uploaded what at the upload's clock, once (a replay writes none)", async () => {
    const now = new Date('2026-01-02T08:00:00.000Z');
    const report = makeReport({ scanId: 's1', createdAt: day('2026-01-02'), findings: [{ fp: 'a' }, { fp: 'b' }] });
    expect((await store.ingestScan(report, 'ci-bot', '*', { now })).status).toBe('created');
    expect((await store.ingestScan(report, 'ci-bot', '*', { now: new Date('2026-01-02T09:00:00.000Z') })).status).toBe('duplicate');
    const audit = await store.listAudit(10, 'scan.ingest');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ at: now.toISOString(), actor: 'ci-bot', detail: { scanId: 's1', kind: 'snapshot', services: ['payments'], findings: 2, opened: 2, fixed: 0, reopened: 0 } });
  });

  it('stores no scan when its audit row cannot be written, and the same upload is created once it can', async () => {
    await store.ingestScan(makeReport({ scanId: 'base', createdAt: day('2026-01-01'), findings: [{ fp: 'a' }] }), 't');
    const before = await store.tableCounts();
    await execOnStoreDatabase(location, REFUSE_AUDIT[backend]);
    const report = makeReport({ scanId: 's2', createdAt: day('2026-01-02'), findings: [{ fp: 'b' }] });
    await expect(store.ingestScan(report, 't')).rejects.toThrow(/audit refused/);
    expect(await store.tableCounts()).toEqual(before);
    await execOnStoreDatabase(location, ALLOW_AUDIT[backend]);
    expect((await store.ingestScan(report, 't')).status).toBe('created');
    expect((await store.listAudit(10, 'scan.ingest')).map((e) => e.detail.scanId)).toEqual(['s2', 'base']);
  });
});
