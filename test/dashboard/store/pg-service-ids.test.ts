// PostgreSQL keeps the services' ids in the process (a service row is never deleted or renamed): the
// first name it does not know reads every service's id at once, so the first visit of each other
// service's page (the route asks hasService first) is no round trip of its own; a service created
// since (by another process) is still found, and a name no service has is still none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore, type PostgresStore } from '../../../dashboard/store/postgres/open.js';
import { freshPostgresDatabase } from './backends.js';
import { makeReport } from './report-builder.js';

const NOW = new Date('2026-03-01T09:30:00.000Z');

let writer: PostgresStore;
let reader: PostgresStore;
let drop: () => Promise<void>;
/** The texts of the statements the reader sent that read services' ids. */
const idReads: string[] = [];

beforeAll(async () => {
  const made = await freshPostgresDatabase();
  drop = made.drop;
  writer = await openPostgresStore(made.url);
  for (const name of ['alpha', 'beta', 'gamma']) {
    await writer.ingestScan(makeReport({ scanId: `${name}-1`, createdAt: NOW.toISOString(), services: [name], findings: [{ fp: `${name}-1`, severity: 'high' }] }), 'test');
  }
  // Another process on the same database, counting its statements that read ids of services.
  reader = await openPostgresStore(made.url);
  const query = reader.pool.query.bind(reader.pool);
  (reader.pool as unknown as { query: (c: unknown, v?: unknown) => unknown }).query = (c: unknown, v?: unknown) => {
    const text = typeof c === 'string' ? c : (c as { text: string }).text;
    if (/^SELECT id(, name)? FROM services/.test(text)) idReads.push(text);
    return query(c as never, v as never);
  };
}, 60_000);
afterAll(async () => {
  await reader.close();
  await writer.close();
  await drop();
});

describe('postgres store: services ids', () => {
  it('reads every id at the first name it does not know, then none for the other services', async () => {
    expect(await reader.hasService('alpha')).toBe(true);
    expect(idReads).toHaveLength(1);
    expect(await reader.hasService('beta')).toBe(true);
    expect(await reader.hasService('gamma')).toBe(true);
    expect((await reader.postureSeries('gamma', { from: '2026-02-28', to: '2026-03-01' })).map((p) => p.day)).toEqual(['2026-03-01']);
    expect(idReads).toHaveLength(1);
  });

  it('still finds a service created since, and none for a name no service has', async () => {
    await writer.ingestScan(makeReport({ scanId: 'delta-1', createdAt: NOW.toISOString(), services: ['delta'], findings: [] }), 'test');
    expect(await reader.hasService('delta')).toBe(true);
    expect(await reader.hasService('nobody')).toBe(false);
    expect(await reader.hasService('delta')).toBe(true);
    // One lookup each for the two names not among the ids read at first; delta is then known.
    expect(idReads).toHaveLength(3);
  });
});
