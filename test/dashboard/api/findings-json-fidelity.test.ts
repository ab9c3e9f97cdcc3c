// Review of the findings page built as JSON by the database (store/finding-page.ts): whatever text or
// number a scanner puts in a finding (title, rule id, location, package, KEV listing, EPSS score), the
// findings API answers, plain and gzipped, the very bytes the earlier JS path gave: a count, the
// page's rows with the stored finding parsed in Node, JSON.stringify of the answer. Quotes,
// backslashes, every control character, U+007F, U+2028/U+2029, emoji, lone surrogates (made
// well-formed or not by the store: both paths read the same stored values), very long strings,
// floats with many digits, tiny and large numbers, null and absent members.
import type { Hono } from 'hono';
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../dashboard/app.js';
import { DEFAULT_DASHBOARD_CONFIG } from '../../../dashboard/deps.js';
import { numberPlaceholders } from '../../../dashboard/store/exploit.js';
import { FINDING_ROW_SELECT, FINDING_TRIAGE_COLUMNS, toFindingRow, type FindingRowDbRow } from '../../../dashboard/store/rows.js';
import { findingSortSql, findingWhere } from '../../../dashboard/store/finding-page.js';
import type { FindingFilter, Store } from '../../../dashboard/store/types.js';
import type { Finding } from '../../../src/findings/finding.js';
import { createMemoryLogger } from '../../../src/logger.js';
import { BACKENDS, openTestStore, storeLocation, type Backend } from '../store/backends.js';
import { day, makeReport, type FindingSpec } from '../store/report-builder.js';

const NOW = new Date('2026-03-01T09:30:00.000Z');

/** Every control character, DEL, the JS line separators, quotes, backslashes, '/', HTML and emoji. */
const CONTROLS = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i))
  .filter((ch) => ch !== '\u0000')
  .join('');
const NASTY = [
  `ctl ${CONTROLS} del \u007f`,
  'quote " backslash \\ slash / </script> & \' `',
  'sep \u2028 para \u2029 bom \ufeff rtl \u202e',
  'emoji \u{1F600}\u{1F4A9} astral \u{10FFFF} cjk \u4e2d\u6587',
  'lone high \ud800 end',
  'lone low \udc00 end',
  'reversed \udc00\ud800 pair',
  'trailing high \udbff',
  '\\ud800 escaped text, not a surrogate \\\\ud800',
  'x'.repeat(70_000),
  '',
];
const NUMBERS = [0.1 + 0.2, 1e-7, 0.00001, 5e-324, 1, 0, -0, 0.97123456789012345, 1 - Number.EPSILON];

function nastyFindings(): FindingSpec[] {
  return NASTY.flatMap((text, i) => {
    const p = NUMBERS[i % NUMBERS.length];
    const kev: Finding['kev'] = { cve: `CVE-${text.slice(0, 40)}`, dateAdded: '2025-12-01', dueDate: '2026-02-01', ransomware: 'known', name: text };
    const epss: Finding['epss'] = { cve: text.slice(0, 50), probability: p, percentile: NUMBERS[(i + 3) % NUMBERS.length] };
    return [
      {
        fp: `n${String(i).padStart(3, '0')}a`,
        title: text,
        tool: i % 2 ? 'semgrep' : 'trivy',
        extra: {
          ruleId: `rule ${text.slice(0, 100)}`,
          message: text,
          location: {
            path: `src/${text}`,
            startLine: Number.MAX_SAFE_INTEGER,
            endLine: 0,
            package: { ecosystem: 'npm', name: `pkg ${text.slice(0, 200)}`, version: text.slice(0, 30), fixedVersions: [text.slice(0, 10), ''] },
          },
          kev,
          epss,
          cvss: { score: 7.5, vector: text.slice(0, 30) },
        },
      },
      // A container finding: image, no package, no KEV (absent) but EPSS.
      { fp: `n${String(i).padStart(3, '0')}b`, title: `img ${text.slice(0, 50)}`, category: 'container', tool: 'grype', extra: { location: { image: text }, epss } },
      // A finding without a location member at all besides the path, KEV without its optional members.
      { fp: `n${String(i).padStart(3, '0')}c`, extra: { location: { path: text }, kev: { cve: 'CVE-2024-1', dateAdded: '2024-01-01', ransomware: 'unknown' } } },
    ];
  });
}

type Handle = { backend: Backend; all: (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]> };

/** The earlier listFindings (a count, then the rows with the whole stored finding, rows built in Node). */
async function referencePage(h: Handle, filter: FindingFilter, store: Store) {
  const ageExpr =
    h.backend === 'sqlite'
      ? '(julianday(COALESCE(f.fixed_at, ?)) - julianday(f.opened_at))'
      : '(EXTRACT(EPOCH FROM (COALESCE(f.fixed_at, ?)::timestamptz - f.opened_at::timestamptz)))';
  const where = findingWhere(filter, store.sla, NOW);
  const sort = findingSortSql(ageExpr)[filter.sort ?? 'severity'];
  const order = filter.order ?? sort.defaultOrder;
  const from = 'FROM findings f JOIN services s ON s.id = f.service_id LEFT JOIN triage t ON t.service_id = f.service_id AND t.fingerprint = f.fingerprint';
  const total = Number((await h.all(`SELECT count(*) AS n ${from} ${where.sql}`, where.params))[0].n);
  const rows = (await h.all(
    `SELECT ${FINDING_ROW_SELECT}, s.name AS service, ${FINDING_TRIAGE_COLUMNS} ${from} ${where.sql} ORDER BY ${sort.expr} ${order.toUpperCase()}, f.opened_at ASC, f.id ASC LIMIT ? OFFSET ?`,
    [...where.params, ...(filter.sort === 'age' ? [NOW.toISOString()] : []), filter.limit, filter.offset],
  )) as unknown as FindingRowDbRow[];
  return { items: rows.map((r) => toFindingRow(r, NOW, store.sla)), total };
}

describe.each(BACKENDS)('the findings API on %s with any text or number a scanner writes', (backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let app: Hono<any>;
  let viewer: string;
  let h: Handle;

  beforeAll(async () => {
    const location = await storeLocation(backend);
    cleanup = location.cleanup;
    store = await openTestStore(location.location);
    viewer = (await store.createToken({ role: 'viewer', label: 'v' })).token;
    await store.ingestScan(makeReport({ scanId: 's1', createdAt: day('2026-01-10'), services: ['payments'], findings: nastyFindings() }), 't');
    app = createApp({ store, config: DEFAULT_DASHBOARD_CONFIG, logger: createMemoryLogger(), now: () => NOW });
    h = {
      backend,
      all: async (sql, params) => {
        if ('db' in store) return (store as unknown as { db: Database.Database }).db.prepare(sql).all(...params) as Record<string, unknown>[];
        return (await (store as unknown as { pool: pg.Pool }).pool.query(numberPlaceholders(sql), params)).rows;
      },
    };
  }, 60_000);
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  const get = (path: string, gzip: boolean) =>
    Promise.resolve(app.request(path, { headers: { authorization: `Bearer ${viewer}`, ...(gzip ? { 'accept-encoding': 'gzip' } : {}) } }));

  it('answers the bytes of JSON.stringify over the earlier path, plain and gzipped, for every sort', async () => {
    let checked = 0;
    for (const sort of ['severity', 'title', 'epss', 'age', 'tool'] as const) {
      for (const [limit, offset] of [[500, 0], [7, 5], [3, 31], [4, 40]] as const) {
        const filter: FindingFilter = { service: 'payments', state: 'all', sort, limit, offset };
        const ref = await referencePage(h, filter, store);
        const want = JSON.stringify({ items: ref.items, total: ref.total, limit, offset });
        const path = `/api/v1/findings?service=payments&state=all&sort=${sort}&limit=${limit}&offset=${offset}`;
        const plain = await get(path, false);
        expect(plain.status).toBe(200);
        const text = await plain.text();
        expect(text === want, `${path}: ${firstDifference(text, want)}`).toBe(true);
        const zipped = await get(path, true);
        expect(zipped.headers.get('content-encoding')).toBe('gzip');
        expect(gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString('utf8') === want, `${path} gzipped`).toBe(true);
        checked += ref.items.length;
      }
    }
    // The default answers a client polls (open findings of the service, every service), computed ahead or not.
    for (const [path, filter] of [
      ['/api/v1/findings?service=payments', { service: 'payments', state: 'open', sort: 'severity', limit: 50, offset: 0 }],
      ['/api/v1/findings', { state: 'open', sort: 'severity', limit: 50, offset: 0 }],
      ['/api/v1/findings?limit=500&sort=service&order=asc', { state: 'open', sort: 'service', order: 'asc', limit: 500, offset: 0 }],
    ] as const) {
      const ref = await referencePage(h, filter, store);
      const want = JSON.stringify({ items: ref.items, total: ref.total, limit: filter.limit, offset: filter.offset });
      const text = await (await get(path, false)).text();
      expect(text === want, `${path}: ${firstDifference(text, want)}`).toBe(true);
      expect(gunzipSync(Buffer.from(await (await get(path, true)).arrayBuffer())).toString('utf8') === want, `${path} gzipped`).toBe(true);
    }
    // The fixture reached the API: every nasty text, in titles and locations.
    const all = JSON.parse(await (await get('/api/v1/findings?service=payments&state=all&limit=500', false)).text()) as { items: { title: string; location: { path?: string } }[]; total: number };
    expect(all.total).toBe(NASTY.length * 3);
    expect(all.items.some((r) => r.title.includes('\u2028'))).toBe(true);
    expect(all.items.some((r) => r.location.path?.includes('\u{1F600}'))).toBe(true);
    expect(checked).toBeGreaterThan(NASTY.length * 3);
  });
});

function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `differs at ${i}: got ${JSON.stringify(a.slice(Math.max(0, i - 40), i + 40))}, want ${JSON.stringify(b.slice(Math.max(0, i - 40), i + 40))}`;
}
