// SIGTERM to a dashboard child process while an upload is in flight: the upload completes (201),
// the process exits 0, and every row of it is in the store. On each store backend (a temporary
// SQLite file and a fresh PostgreSQL database); on SQLite the WAL is also checkpointed into the
// main file (no -wal left behind).
import { existsSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, queryStoreDatabase, storeLocation } from '../store/backends.js';
import { day, makeReport } from '../store/report-builder.js';
import { ADMIN_TOKEN, spawnDashboardProcess } from './harness.js';

describe.each(BACKENDS)('%s store', (backend) => {
  let location: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ location, cleanup } = await storeLocation(backend));
  });
  afterAll(() => cleanup?.());

  describe('SIGTERM', () => {
    it(`finishes the in-flight upload${backend === 'sqlite' ? ', checkpoints the WAL' : ''} and exits 0`, async () => {
      const { child, base, exited: exitedWith } = await spawnDashboardProcess(['--db', location, '--port', '0']);
      const exited = exitedWith.then((e) => e.code);
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));

      const report = makeReport({
        scanId: 'in-flight',
        createdAt: day('2026-01-01'),
        findings: Array.from({ length: 5000 }, (_, i) => ({ fp: `term-${i}` })),
      });
      // Send the headers and half the body, signal, then send the rest: the request is surely in flight.
      const body = Buffer.from(JSON.stringify(report));
      const url = new URL(base);
      const req = request({
        host: url.hostname,
        port: url.port,
        path: '/api/v1/scans',
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', 'content-length': body.length },
      });
      const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
        req.on('response', (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', reject);
      });
      const half = Math.floor(body.length / 2);
      await new Promise<void>((r) => req.write(body.subarray(0, half), () => r()));
      await new Promise((r) => setTimeout(r, 200));
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
      req.end(body.subarray(half));
      const res = await response;
      expect(res.status, res.text).toBe(201);
      expect(await exited).toBe(0);
      expect(stderr).toContain('SIGTERM: finishing in-flight requests');
      if (backend === 'sqlite') expect(!existsSync(`${location}-wal`) || statSync(`${location}-wal`).size === 0).toBe(true);
      const [{ n }] = await queryStoreDatabase<{ n: number | string }>(location, 'SELECT count(*) AS n FROM finding_scans');
      expect(Number(n)).toBe(5000);
    });
  });
});
