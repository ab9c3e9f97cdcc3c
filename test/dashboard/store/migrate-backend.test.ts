// `gatehouse dashboard migrate --from FILE.db --to postgres://...`: everything copied, counts
// verified, all or nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMigrateCli } from '../../../dashboard/server.js';
import { openPostgresStore } from '../../../dashboard/store/postgres/open.js';
import { openSqliteStore } from '../../../dashboard/store/sqlite/open.js';
import { freshPostgresDatabase } from './backends.js';
import { day, makeReport } from './report-builder.js';

let dir: string;
let file: string;
let url: string;
let drop: () => Promise<void>;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-migrate-'));
  file = join(dir, 'dash.db');
  ({ url, drop } = await freshPostgresDatabase());
});
afterEach(async () => {
  rmSync(dir, { recursive: true, force: true });
  await drop();
});

describe('dashboard migrate', () => {
  it('copies findings, history, tokens as hashes, sessions and audit, verified by counts', async () => {
    const src = openSqliteStore(file);
    await src.ingestScan(makeReport({ scanId: 's1', createdAt: day('2026-01-01'), findings: [{ fp: 'a' }, { fp: 'b' }] }), 't');
    await src.ingestScan(makeReport({ scanId: 's2', createdAt: day('2026-01-05'), findings: [{ fp: 'a' }] }), 't');
    const { token } = await src.createToken({ role: 'viewer', label: 'v' });
    const admin = await src.createToken({ role: 'admin', label: 'a' });
    const session = await src.createSession(admin.id);
    await src.addAudit('system', 'token.bootstrap', { id: admin.id });
    const before = await src.tableCounts();
    const expected = await src.getFinding('payments', 'fp-b0000', new Date(day('2026-01-06')));
    await src.close();

    const lines: string[] = [];
    await runMigrateCli(['--from', file, '--to', url], (l) => lines.push(l));
    expect(lines.at(-1)).toMatch(/counts verified/);
    expect(lines.join('\n')).not.toContain(new URL(url).password);

    const pgStore = await openPostgresStore(url);
    try {
      expect(await pgStore.tableCounts()).toEqual(before);
      expect(await pgStore.getFinding('payments', 'fp-b0000', new Date(day('2026-01-06')))).toEqual(expected);
      expect((await pgStore.verifyToken(token))?.role).toBe('viewer');
      expect((await pgStore.getSession(session.id))?.tokenId).toBe(admin.id);
      expect((await pgStore.listAudit(10))[0].action).toBe('token.bootstrap');
      // Ids go on after the copied ones: a new ingest works and the old scan id is still a duplicate.
      expect((await pgStore.ingestScan(makeReport({ scanId: 's2', createdAt: day('2026-01-05'), findings: [{ fp: 'a' }] }), 't')).status).toBe('duplicate');
      expect((await pgStore.ingestScan(makeReport({ scanId: 's3', createdAt: day('2026-01-09'), findings: [{ fp: 'a' }, { fp: 'b' }] }), 't')).reopened).toBe(1);
    } finally {
      await pgStore.close();
    }
  });

  it('refuses a target that already holds data and changes nothing', async () => {
    const src = openSqliteStore(file);
    await src.ingestScan(makeReport({ scanId: 's1', createdAt: day('2026-01-01'), findings: [{ fp: 'a' }] }), 't');
    await src.close();
    const target = await openPostgresStore(url);
    await target.createToken({ role: 'viewer', label: 'already here' });
    await expect(runMigrateCli(['--from', file, '--to', url], () => {})).rejects.toThrow(/is not empty \(tokens: 1\)/);
    expect((await target.tableCounts()).findings).toBe(0);
    await target.close();
  });
});
