// The read API answers what its contract (src/report/read-api.ts) says, on both store backends:
// every body parses with its schema and nothing in it is outside the schema (a field the server adds
// must be added to the contract, which the OpenAPI document and the action's client read). The
// dashboard's own answers (ingest, scan check, triage changes, admin) are held to their schemas the
// same way, and the OpenAPI document gives every JSON answer a schema. GET /week is held to its
// schema the same way in pages/week.test.ts, on a history where each of its lists has items.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AuditResponseSchema, TokenCreatedResponseSchema, TokenRevokedResponseSchema, TokensResponseSchema } from '../../../dashboard/api/admin.js';
import { IngestResponseSchema } from '../../../dashboard/api/ingest.js';
import { ScanCheckResponseSchema } from '../../../dashboard/api/scan-check.js';
import { TriageChangeResponseSchema } from '../../../dashboard/api/triage.js';
import { buildOpenApiDocument } from '../../../dashboard/openapi.js';
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
import { BACKENDS } from '../store/backends.js';
import { day, makeReport } from '../store/report-builder.js';
import { expectContract } from './contract-check.js';
import { ADMIN_TOKEN, startTestDashboardOn, type TestDashboard } from './harness.js';

describe.each(BACKENDS)('read API contract (%s)', (backend) => {
  let t: TestDashboard;
  let reports: ReturnType<typeof makeReport>[];
  const ingestAnswers: unknown[] = [];

  beforeAll(async () => {
    t = await startTestDashboardOn(backend);
    reports = [
      makeReport({
        scanId: 'c1',
        createdAt: day('2026-02-01'),
        services: ['shop'],
        findings: [{ fp: 'a', severity: 'critical' }, { fp: 'b', tool: 'semgrep', category: 'sast' }],
        scanners: [{ tool: 'trivy', category: 'dependency' }, { tool: 'semgrep', category: 'sast' }],
      }),
      makeReport({ scanId: 'c2', createdAt: day('2026-02-03'), services: ['shop'], findings: [{ fp: 'b', tool: 'semgrep', category: 'sast' }], scanners: [{ tool: 'trivy', category: 'dependency' }, { tool: 'semgrep', category: 'sast' }], gate: 'failed' }),
    ];
    for (const r of reports) {
      const res = await t.call('POST', '/api/v1/scans', { token: ADMIN_TOKEN, body: r });
      expect(res.status).toBe(201);
      ingestAnswers.push(await res.json());
    }
  });
  afterAll(async () => {
    await t?.stop();
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

  const send = async (method: string, path: string, body: unknown, status = 200) => {
    const res = await t.call(method, path, { token: ADMIN_TOKEN, body });
    expect(res.status).toBe(status);
    return res.json() as Promise<unknown>;
  };

  /** The body parsed with its schema, after expectContract checked that the schema keeps all of it. */
  const held = <T extends z.ZodType>(schema: T, body: unknown): z.infer<T> => {
    expectContract(schema, body);
    return schema.parse(body);
  };

  it('POST /scans (created and duplicate) and POST /scans/check answer their schemas', async () => {
    expect(ingestAnswers.map((answer) => held(IngestResponseSchema, answer).status)).toEqual(['created', 'created']);
    const replay = held(IngestResponseSchema, await send('POST', '/api/v1/scans', reports[1], 200));
    expect(replay).toMatchObject({ status: 'duplicate', opened: 0, fixed: 0, reopened: 0 });
    held(ScanCheckResponseSchema, await send('POST', '/api/v1/scans/check', { repository: 'acme/shop', services: ['shop'] }));
  });

  it('POST and DELETE /triage answer their schema', async () => {
    const [open] = FindingsResponseSchema.parse(await get('/api/v1/findings?service=shop')).items;
    const target = { service: 'shop', fingerprints: [open.fingerprint, 'no-such-finding'] };
    const set = held(TriageChangeResponseSchema, await send('POST', '/api/v1/triage', { ...target, status: 'false_positive', reason: 'test fixture' }));
    expect(set.decisions.map((d) => d.fingerprint)).toEqual([open.fingerprint]);
    const cleared = held(TriageChangeResponseSchema, await send('DELETE', '/api/v1/triage', target));
    expect(cleared).toEqual({ applied: 1, missing: ['no-such-finding'], decisions: [] });
  });

  it('the admin token and audit answers answer their schemas', async () => {
    const created = held(TokenCreatedResponseSchema, await send('POST', '/api/v1/admin/tokens', { role: 'ingest', label: 'contract', services: ['shop'], expiresAt: '2999-01-01T00:00:00Z' }, 201));
    const listed = held(TokensResponseSchema, await get('/api/v1/admin/tokens'));
    expect(listed.tokens.find((token) => token.id === created.id)?.services).toEqual(['shop']);
    held(TokenRevokedResponseSchema, await send('DELETE', `/api/v1/admin/tokens/${created.id}`, undefined));
    const audit = held(AuditResponseSchema, await get('/api/v1/admin/audit'));
    // details of several shapes went through the schema
    expect(audit.entries.map((e) => e.action)).toEqual(expect.arrayContaining(['scan.ingest', 'triage.set', 'triage.clear', 'token.create', 'token.revoke']));
  });
});

interface OpenApiSchema {
  $ref?: string;
  type?: string;
  description?: string;
  [keyword: string]: unknown;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: OpenApiSchema }> }> }>>;
  components: { schemas: Record<string, OpenApiSchema> };
}

/** The JSON answers the document may leave a plain object: formats it does not own, each saying so in its description. */
const OPAQUE_ANSWERS: Record<string, RegExp> = {
  'GET /triage/openvex': /external .*OpenVEX 0\.2\.0|OpenVEX 0\.2\.0.*external/,
  'GET /openapi.json': /OpenAPI 3\.1 document itself/,
};
const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);
// Keywords that say what is in an object (or that the schema is not a plain object at all).
const SHAPE_KEYWORDS = ['properties', 'additionalProperties', 'patternProperties', 'items', 'prefixItems', 'anyOf', 'oneOf', 'allOf', 'enum', 'const'];

/** An object schema that says nothing of its fields: `{ type: 'object' }` (or no type at all). */
function isBareObject(schema: OpenApiSchema): boolean {
  return (schema.type === undefined || schema.type === 'object') && !SHAPE_KEYWORDS.some((k) => k in schema);
}

/** Every 2xx application/json answer of the document ("POST /scans 201") with what is wrong with its schema, if anything. */
function answerSchemaProblems(doc: OpenApiDocument): { checked: string[]; problems: string[] } {
  const checked: string[] = [];
  const problems: string[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!HTTP_METHODS.has(method)) continue;
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const schema = response.content?.['application/json']?.schema;
        if (!/^2\d\d$/.test(status) || !schema) continue;
        const endpoint = `${method.toUpperCase()} ${path}`;
        checked.push(`${endpoint} ${status}`);
        const opaque = OPAQUE_ANSWERS[endpoint];
        if (opaque) {
          if (!opaque.test(schema.description ?? '')) problems.push(`${endpoint} ${status}: the exception must say why in its description`);
          continue;
        }
        const name = schema.$ref?.replace('#/components/schemas/', '');
        const resolved = name === undefined ? schema : doc.components.schemas[name];
        if (!resolved) problems.push(`${endpoint} ${status}: ${schema.$ref} is not in components.schemas`);
        else if (isBareObject(resolved)) problems.push(`${endpoint} ${status}: a bare object schema`);
      }
    }
  }
  return { checked, problems };
}

describe.each([false, true])('the OpenAPI document (publicBadges: %s)', (publicBadges) => {
  const doc = JSON.parse(JSON.stringify(buildOpenApiDocument({ publicBadges }))) as OpenApiDocument;

  it('gives every 2xx JSON answer a schema with fields, except the named external formats', () => {
    const { checked, problems } = answerSchemaProblems(doc);
    expect(problems).toEqual([]);
    // the walk reached the answers it is about
    for (const answer of ['POST /scans 201', 'POST /scans 200', 'POST /scans/check 200', 'POST /triage 200', 'DELETE /triage 200', 'GET /admin/tokens 200', 'POST /admin/tokens 201', 'DELETE /admin/tokens/{id} 200', 'GET /admin/audit 200', 'GET /triage/openvex 200', 'GET /openapi.json 200']) {
      expect(checked).toContain(answer);
    }
  });

  it("describes each dashboard answer with the schema its route builds it as (the one its real answer is checked against below)", () => {
    const routeSchemas: Record<string, z.ZodType> = {
      'POST /scans 201': IngestResponseSchema,
      'POST /scans 200': IngestResponseSchema,
      'POST /scans/check 200': ScanCheckResponseSchema,
      'POST /triage 200': TriageChangeResponseSchema,
      'DELETE /triage 200': TriageChangeResponseSchema,
      'GET /admin/tokens 200': TokensResponseSchema,
      'POST /admin/tokens 201': TokenCreatedResponseSchema,
      'DELETE /admin/tokens/{id} 200': TokenRevokedResponseSchema,
      'GET /admin/audit 200': AuditResponseSchema,
    };
    for (const [answer, schema] of Object.entries(routeSchemas)) {
      const [method, path, status] = answer.split(' ');
      const ref = doc.paths[path]?.[method.toLowerCase()]?.responses?.[status]?.content?.['application/json']?.schema?.$ref;
      expect(ref, answer).toBeDefined();
      expect(doc.components.schemas[ref!.replace('#/components/schemas/', '')], answer).toEqual(JSON.parse(JSON.stringify(z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }))));
    }
  });

  it('flags a bare object answer and a dangling $ref (the check itself)', () => {
    const broken = structuredClone(doc);
    broken.paths['/admin/audit'].get.responses!['200'].content!['application/json'].schema = { type: 'object' };
    delete broken.components.schemas.TokensResponse;
    expect(answerSchemaProblems(broken).problems).toEqual([
      'GET /admin/tokens 200: #/components/schemas/TokensResponse is not in components.schemas',
      'GET /admin/audit 200: a bare object schema',
    ]);
  });
});
