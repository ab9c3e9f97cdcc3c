// The read API answers what its contract (src/report/read-api.ts) says, on both store backends:
// every body parses with its schema and nothing in it is outside the schema (a field the server adds
// must be added to the contract, which the OpenAPI document and the action's client read).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  FindingDetailResponseSchema,
  FindingsExportSchema,
  FindingsResponseSchema,
  PostureResponseSchema,
  READ_API_SCHEMAS,
  ScansResponseSchema,
  ServiceResponseSchema,
  ServicesResponseSchema,
} from '../../../src/report/read-api.js';
import { BACKENDS, storeLocation } from '../store/backends.js';
import { day, makeReport } from '../store/report-builder.js';
import { ADMIN_TOKEN, startTestDashboard, type TestDashboard } from './harness.js';

/** Every key path of a JSON value ("a.b[].c"), to compare what was sent with what the schema keeps. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => keyPaths(v, `${prefix}[]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [`${prefix}.${k}`, ...keyPaths(v, `${prefix}.${k}`)]);
  }
  return [];
}

function expectContract(schema: z.ZodType, body: unknown): void {
  const parsed = schema.safeParse(body);
  expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  // zod drops unknown keys: anything lost here is a field the contract does not describe
  const sent = new Set(keyPaths(body));
  const kept = new Set(keyPaths(parsed.data));
  expect([...sent].filter((k) => !kept.has(k))).toEqual([]);
}

describe.each(BACKENDS)('read API contract (%s)', (backend) => {
  let t: TestDashboard;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const store = await storeLocation(backend);
    cleanup = store.cleanup;
    t = await startTestDashboard({ db: store.location });
    const reports = [
      makeReport({
        scanId: 'c1',
        createdAt: day('2026-02-01'),
        services: ['shop'],
        findings: [{ fp: 'a', severity: 'critical' }, { fp: 'b', tool: 'semgrep', category: 'sast' }],
        scanners: [{ tool: 'trivy', category: 'dependency' }, { tool: 'semgrep', category: 'sast' }],
      }),
      makeReport({ scanId: 'c2', createdAt: day('2026-02-03'), services: ['shop'], findings: [{ fp: 'b', tool: 'semgrep', category: 'sast' }], scanners: [{ tool: 'trivy', category: 'dependency' }, { tool: 'semgrep', category: 'sast' }], gate: 'failed' }),
    ];
    for (const r of reports) expect((await t.call('POST', '/api/v1/scans', { token: ADMIN_TOKEN, body: r })).status).toBe(201);
  });
  afterAll(async () => {
    await t?.stop();
    await cleanup?.();
  });

  const get = async (path: string) => {
    const res = await t.call('GET', path, { token: ADMIN_TOKEN });
    expect(res.status).toBe(200);
    return res.json() as Promise<unknown>;
  };

  it('GET /services, /services/{name}, /posture and /scans answer their schemas', async () => {
    expectContract(ServicesResponseSchema, await get('/api/v1/services'));
    expectContract(ServiceResponseSchema, await get('/api/v1/services/shop'));
    expectContract(PostureResponseSchema, await get('/api/v1/services/shop/posture?from=2026-01-30&to=2026-02-04'));
    expectContract(ScansResponseSchema, await get('/api/v1/services/shop/scans'));
  });

  it('GET /findings, one finding and the JSON export answer their schemas, with the location as the scanner gave it', async () => {
    const list = FindingsResponseSchema.parse(await get('/api/v1/findings?service=shop&state=all'));
    expectContract(FindingsResponseSchema, list);
    expect(list.items.length).toBe(2);
    const fixed = list.items.find((i) => i.state === 'fixed');
    expect(fixed?.location.package?.name).toBeDefined();
    expect(fixed?.where).toContain(fixed?.location.package?.name);
    expectContract(FindingDetailResponseSchema, await get(`/api/v1/findings/shop/${list.items[0].fingerprint}`));
    expectContract(FindingsExportSchema, await get('/api/v1/export/findings.json?state=all'));
  });

  it('the OpenAPI document describes each read answer with the contract instead of a bare object', async () => {
    const doc = (await get('/api/v1/openapi.json')) as {
      paths: Record<string, { get?: { responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }> } }>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    const refOf = (path: string) => doc.paths[path].get?.responses['200'].content?.['application/json'].schema.$ref;
    expect(refOf('/services')).toBe('#/components/schemas/ServicesResponse');
    expect(refOf('/findings')).toBe('#/components/schemas/FindingsResponse');
    expect(refOf('/services/{name}/scans')).toBe('#/components/schemas/ScansResponse');
    for (const name of Object.keys(READ_API_SCHEMAS)) expect(doc.components.schemas[name]?.properties).toBeDefined();
  });
});
