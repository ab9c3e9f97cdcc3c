// A dashboard child process killed with SIGKILL in the middle of a stream of ingests: the SQLite
// file passes integrity_check, every scan in it is whole (all its services and finding rows), every
// acknowledged scan is there, and the file opens and ingests again.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../dashboard/store/store.js';
import { day, makeReport } from '../store/report-builder.js';
import { ADMIN_TOKEN, spawnDashboardProcess } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FINDINGS_PER_SCAN = 400;
const IN_FLIGHT = 4;

function reportFor(i: number) {
  const service = `svc-${i % 3}`;
  return makeReport({
    scanId: `crash-${i}`,
    createdAt: new Date(Date.parse(day('2026-01-01')) + i * 3600_000).toISOString(),
    services: [service],
    // Half the findings change every scan, so each ingest opens and fixes hundreds of rows.
    findings: Array.from({ length: FINDINGS_PER_SCAN }, (_, k) => ({ fp: k < FINDINGS_PER_SCAN / 2 ? `key-${k}` : `inst-${i}-${k}`, severity: k % 3 === 0 ? 'critical' : 'medium' })),
  });
}

describe('SIGKILL during a stream of ingests', () => {
  it('leaves integrity_check ok and every scan whole or absent', async () => {
    const file = join(dir, 'crash.db');
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ ingestRateLimit: { perMinute: 1_000_000 } }));
    const { child, base, exited: exitedWith } = await spawnDashboardProcess(['--db', file, '--port', '0', '--config', config]);
    const exited = exitedWith.then((e) => e.signal);

    const total = 200;
    const acknowledged: string[] = [];
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (!killed && next < total) {
        const i = next++;
        try {
          const res = await fetch(`${base}/api/v1/scans`, {
            method: 'POST',
            headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
            body: JSON.stringify(reportFor(i)),
          });
          if (res.status === 201) acknowledged.push(`crash-${i}`);
          else throw new Error(`unexpected ${res.status}: ${await res.text()}`);
        } catch (err) {
          if (!killed) throw err;
        }
        if (acknowledged.length >= 30 && !killed) {
          // Kill while the other workers' uploads are in flight.
          killed = true;
          child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    expect(await exited).toBe('SIGKILL');
    expect(acknowledged.length).toBeGreaterThanOrEqual(30);

    const db = new Database(file);
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('foreign_key_check')).toEqual([]);
      const scans = db.prepare('SELECT id, scan_id, finding_count FROM scans').all() as { id: number; scan_id: string; finding_count: number }[];
      const serviceRows = db.prepare('SELECT count(*) AS n FROM scan_services WHERE scan_pk = ?');
      const findingRows = db.prepare('SELECT count(*) AS n FROM finding_scans WHERE scan_pk = ?');
      for (const s of scans) {
        expect((serviceRows.get(s.id) as { n: number }).n, s.scan_id).toBe(1);
        expect(s.finding_count).toBe(FINDINGS_PER_SCAN);
        expect((findingRows.get(s.id) as { n: number }).n, s.scan_id).toBe(FINDINGS_PER_SCAN);
      }
      const stored = new Set(scans.map((s) => s.scan_id));
      for (const id of acknowledged) expect(stored.has(id), id).toBe(true);
      // Open findings per service equal that service's latest posture row (lifecycle and posture moved together).
      const mismatches = db
        .prepare(
          `SELECT p.service_id FROM posture_daily p
           WHERE p.day = (SELECT max(day) FROM posture_daily WHERE service_id = p.service_id)
             AND p.total != (SELECT count(*) FROM findings f WHERE f.service_id = p.service_id AND f.state = 'open' AND f.suppressed = 0)`,
        )
        .all();
      expect(mismatches).toEqual([]);
    } finally {
      db.close();
    }

    // The file is usable again: reopen and ingest the next scan.
    const store = (await openStore(file));
    try {
      expect((await store.ingestScan(reportFor(total + 1), 'after-crash')).status).toBe('created');
    } finally {
      (await store.close());
    }
  });
});
