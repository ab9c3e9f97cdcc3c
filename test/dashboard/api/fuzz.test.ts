// Fuzzed ingest bodies (seeded, so a failure replays): structural mutations of a valid report and
// byte-level damage to its JSON text. Whatever arrives, the answer is never a 5xx, and the database
// stays consistent. On each store backend (a temporary SQLite file and a fresh PostgreSQL database),
// the same bodies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { BACKENDS, queryStoreDatabase } from '../store/backends.js';
import { day, makeReport } from '../store/report-builder.js';
import { ADMIN_TOKEN, startTestDashboardOn, type StoreDashboard } from './harness.js';
import { mulberry32 } from '../../../dashboard/seeded-random.js';

const SEED = 0x5eed;
const CASES = 400;

const prng = mulberry32;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function fuzzBodies(): { label: string; body: string }[] {
  const rnd = prng(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const weird: Json[] = [
    null, true, false, 0, -1, 1e308, -0, 3.5, '', ' ', 'x'.repeat(5000), '\u0000', '\ud800', '<script>alert(1)</script>',
    "'; DROP TABLE scans; --", '../../etc/passwd', '2026-13-45T99:99:99Z', '__proto__', [], {}, [null], { __proto__: { polluted: true } } as Json,
    { constructor: { prototype: { x: 1 } } } as Json, Array.from({ length: 50 }, () => 'a'), JSON.parse('{"a":'.repeat(40) + '1' + '}'.repeat(40)) as Json,
  ];
  const bodies: { label: string; body: string }[] = [];
  for (let i = 0; i < CASES; i++) {
    const base = makeReport({
      scanId: `fuzz-${i}`,
      createdAt: day('2026-01-01'),
      services: ['payments', 'users'],
      findings: [{ fp: `a${i % 7}` }, { fp: `b${i % 5}`, severity: 'critical', service: 'users' }, { fp: 'c', tool: 'semgrep', category: 'sast', suppressed: true }],
      scanners: [{ tool: 'trivy', category: 'dependency' }, { tool: 'semgrep', category: 'sast', status: pick(['ok', 'error'] as const) }],
    }) as unknown as Json;
    const mutations = 1 + Math.floor(rnd() * 4);
    let label = '';
    for (let m = 0; m < mutations; m++) {
      // Walk to a random node and change it.
      const path: (string | number)[] = [];
      let node: Json = base;
      while (node && typeof node === 'object' && rnd() < 0.75) {
        const keys: (string | number)[] = Array.isArray(node) ? node.map((_, k) => k) : Object.keys(node);
        if (keys.length === 0) break;
        const k = pick(keys);
        path.push(k);
        node = (node as Record<string | number, Json>)[k];
      }
      const parent = path.length ? (path.slice(0, -1).reduce<Json>((n, k) => (n as Record<string | number, Json>)[k], base) as Record<string | number, Json>) : undefined;
      const key = path.at(-1);
      const op = pick(['replace', 'delete', 'duplicate', 'wrap', 'add-key'] as const);
      label += `${op}@${path.join('.') || '<root>'} `;
      if (!parent || key === undefined) continue;
      if (op === 'replace') parent[key] = pick(weird);
      else if (op === 'delete') {
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete parent[key];
      } else if (op === 'duplicate' && Array.isArray(parent)) parent.push(structuredClone(parent[key as number]));
      else if (op === 'wrap') parent[key] = [parent[key]];
      else if (op === 'add-key' && !Array.isArray(parent)) parent[`extra${i}`] = pick(weird);
    }
    let text = JSON.stringify(base);
    if (rnd() < 0.15) {
      // Byte damage: truncate, or splice in junk.
      const at = Math.floor(rnd() * text.length);
      text = rnd() < 0.5 ? text.slice(0, at) : `${text.slice(0, at)}${pick(['\u0000', '}', '"', '\\', 'ÿ', '{"x":'])}${text.slice(at)}`;
      label += `bytes@${at}`;
    }
    bodies.push({ label, body: text });
  }
  return bodies;
}

describe.each(BACKENDS)('%s store', (backend) => {
  let t: StoreDashboard;
  beforeAll(async () => {
    t = await startTestDashboardOn(backend, { ingestRateLimit: { perMinute: 100_000 } });
  });
  afterAll(async () => {
    await t.stop();
  });

  describe('fuzzed ingest bodies', () => {
    it(`gives no 5xx for ${CASES} seeded mutations and leaves every accepted scan whole`, async () => {
      const statuses = new Map<number, number>();
      const accepted: string[] = [];
      for (const { label, body } of fuzzBodies()) {
        const res = await t.call('POST', '/api/v1/scans', { token: ADMIN_TOKEN, rawBody: body });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const answer = (await res.json()) as { error?: string; scanId?: string };
        expect(res.status, `${label}: ${answer.error ?? ''}`).toBeLessThan(500);
        expect([200, 201, 400]).toContain(res.status);
        if (res.status === 400) expect(answer.error).toBeTruthy();
        if (res.status === 201) accepted.push(answer.scanId!);
      }
      console.log(`fuzz statuses (${backend}): ${JSON.stringify(Object.fromEntries(statuses))}`);
      // Both outcomes really happened (the fuzzer is neither all-valid nor all-garbage).
      expect(statuses.get(400)).toBeGreaterThan(50);
      expect(statuses.get(201)).toBeGreaterThan(20);
      expect(t.logLines.filter((l) => l.startsWith('error:'))).toEqual([]);

      if (backend === 'sqlite') {
        // SQLite's own checks of the file (PostgreSQL enforces its foreign keys in the server, on
        // every statement, and has no such pragma).
        const db = new Database(t.location, { readonly: true });
        try {
          expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
          expect(db.pragma('foreign_key_check')).toEqual([]);
        } finally {
          db.close();
        }
      }
      const stored = await queryStoreDatabase<{ scan_id: string }>(t.location, 'SELECT scan_id FROM scans');
      expect(new Set(stored.map((s) => s.scan_id))).toEqual(new Set(accepted));
    });
  });
});
