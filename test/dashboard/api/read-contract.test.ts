// The read API answers what its contract (src/report/read-api.ts) says, on both store backends:
// every body parses with its schema and nothing in it is outside the schema (a field the server adds
// must be added to the contract, which the OpenAPI document and the action's client read). The
// dashboard's own answers (ingest, scan check, triage changes, admin) are held to their schemas the
// same way, and the OpenAPI document gives every JSON answer a schema. GET /week is held to its
// schema the same way in pages/week.test.ts, on a history where each of its lists has items. Each
// route's query parameters in the document are its query schema's, and say what the route accepts.
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AuditQuerySchema, AuditResponseSchema, TokenCreatedResponseSchema, TokenRevokedResponseSchema, TokensResponseSchema } from '../../../dashboard/api/admin.js';
import { IngestQuerySchema, IngestResponseSchema } from '../../../dashboard/api/ingest.js';
import { EXPORT_MAX_ROWS, ExportQuerySchema, FindingQuerySchema, LimitQuerySchema, PostureQuerySchema, WeekQuerySchema } from '../../../dashboard/api/query.js';
import { ScanCheckResponseSchema } from '../../../dashboard/api/scan-check.js';
import { TriageChangeResponseSchema, TriageQuerySchema } from '../../../dashboard/api/triage.js';
import { buildOpenApiDocument } from '../../../dashboard/openapi.js';
import { FINDING_SORT_KEYS } from '../../../dashboard/store/types.js';
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
interface OpenApiParameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: OpenApiSchema;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: OpenApiParameter[]; responses?: Record<string, { content?: Record<string, { schema?: OpenApiSchema }> }> }>>;
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

/** The schema each route parses its query string with, by endpoint: the only source of its query parameters. */
const QUERY_SCHEMAS: Record<string, z.ZodObject> = {
  'POST /scans': IngestQuerySchema,
  'GET /services/{name}/posture': PostureQuerySchema,
  'GET /services/{name}/scans': LimitQuerySchema,
  'GET /findings': FindingQuerySchema,
  'GET /week': WeekQuerySchema,
  'GET /triage': TriageQuerySchema,
  'GET /triage/openvex': TriageQuerySchema,
  'GET /export/findings.csv': ExportQuerySchema,
  'GET /export/findings.json': ExportQuerySchema,
  'GET /admin/audit': AuditQuerySchema,
};

/**
 * What the document says of a scalar query parameter that its route's schema does not do: an enum
 * value it refuses or a value outside the enum it takes, a bound it refuses or a value beyond it it
 * takes, a default that is not what an absent parameter becomes, a date format it does not keep.
 */
function parameterClaimProblems(endpoint: string, schema: z.ZodObject, parameter: OpenApiParameter): string[] {
  const problems: string[] = [];
  const at = `${endpoint} ?${parameter.name}`;
  const takes = (value: string) => schema.safeParse({ [parameter.name]: value }).success;
  const claimed = parameter.schema ?? {};
  if (Array.isArray(claimed.enum)) {
    for (const value of claimed.enum) if (!takes(String(value))) problems.push(`${at}: refuses ${value} of its enum`);
    if (takes('no-such-value')) problems.push(`${at}: takes a value outside its enum`);
  }
  if (typeof claimed.minimum === 'number') {
    if (!takes(String(claimed.minimum))) problems.push(`${at}: refuses its minimum ${claimed.minimum}`);
    if (takes(String(claimed.minimum - 1))) problems.push(`${at}: takes ${claimed.minimum - 1}, below its minimum`);
  }
  if (typeof claimed.maximum === 'number') {
    if (!takes(String(claimed.maximum))) problems.push(`${at}: refuses its maximum ${claimed.maximum}`);
    if (takes(String(claimed.maximum + 1))) problems.push(`${at}: takes ${claimed.maximum + 1}, above its maximum`);
  }
  if (claimed.default !== undefined) {
    const absent = schema.parse({})[parameter.name];
    const given = schema.parse({ [parameter.name]: String(claimed.default) })[parameter.name];
    if (!Object.is(absent, given)) problems.push(`${at}: an absent parameter is ${absent}, not its default ${claimed.default}`);
  }
  if (claimed.format === 'date' && (!takes('2026-02-28') || takes('2026-02-30'))) problems.push(`${at}: not a date as its format says`);
  return problems;
}

/**
 * Every query parameter of the document against its route's query schema: the parameters are its
 * properties, each as z.toJSONSchema gives it (the text a client sends: io input) with its
 * description, and what each claims is what the schema does; an endpoint without a query schema
 * has no query parameter.
 */
function queryParameterProblems(doc: OpenApiDocument): { checked: string[]; problems: string[] } {
  const checked: string[] = [];
  const problems: string[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!HTTP_METHODS.has(method)) continue;
      const endpoint = `${method.toUpperCase()} ${path}`;
      const parameters = (operation.parameters ?? []).filter((p) => p.in === 'query');
      const schema = QUERY_SCHEMAS[endpoint];
      if (!schema) {
        if (parameters.length > 0) problems.push(`${endpoint}: query parameters without a query schema`);
        continue;
      }
      checked.push(endpoint);
      const expected = z.toJSONSchema(schema, { io: 'input' }).properties ?? {};
      const names = parameters.map((p) => p.name);
      for (const name of Object.keys(expected)) if (!names.includes(name)) problems.push(`${endpoint} ?${name}: missing`);
      for (const parameter of parameters) {
        const property = expected[parameter.name];
        if (property === undefined) {
          problems.push(`${endpoint} ?${parameter.name}: not in its query schema`);
          continue;
        }
        const described = { ...parameter.schema, ...(parameter.description === undefined ? {} : { description: parameter.description }) };
        if (!isDeepStrictEqual(described, property)) problems.push(`${endpoint} ?${parameter.name}: ${JSON.stringify(described)} is not its schema's ${JSON.stringify(property)}`);
        if (parameter.required) problems.push(`${endpoint} ?${parameter.name}: required`);
        problems.push(...parameterClaimProblems(endpoint, schema, parameter));
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

  it("gives each route's query parameters as its query schema has them, with what it accepts", () => {
    const { checked, problems } = queryParameterProblems(doc);
    expect(problems).toEqual([]);
    expect(checked.sort()).toEqual(Object.keys(QUERY_SCHEMAS).sort());
    const parameter = (endpoint: string, name: string) => {
      const [method, path] = endpoint.split(' ');
      return doc.paths[path][method.toLowerCase()].parameters?.find((p) => p.name === name && p.in === 'query');
    };
    // The copies that had drifted, and the one sort list.
    for (const endpoint of ['GET /export/findings.csv', 'GET /export/findings.json']) {
      expect(parameter(endpoint, 'limit')?.schema, endpoint).toEqual({ type: 'integer', minimum: 1, maximum: EXPORT_MAX_ROWS, default: EXPORT_MAX_ROWS });
    }
    for (const endpoint of ['GET /services/{name}/scans', 'GET /admin/audit']) {
      expect(parameter(endpoint, 'limit')?.schema, endpoint).toEqual({ type: 'integer', minimum: 1, maximum: 1000, default: 50 });
    }
    expect(parameter('GET /findings', 'limit')?.schema).toEqual({ type: 'integer', minimum: 1, maximum: 500, default: 50 });
    expect(parameter('GET /findings', 'sort')?.schema).toMatchObject({ enum: [...FINDING_SORT_KEYS], default: 'severity' });
    expect(parameter('GET /findings', 'epssMin')).toMatchObject({ schema: { type: 'number', minimum: 0, maximum: 1 }, description: expect.stringContaining('EPSS probability') });
    expect(parameter('GET /week', 'days')).toMatchObject({ schema: { enum: ['7', '14', '30'], default: '7' }, description: expect.stringContaining('400') });
    expect(parameter('GET /services/{name}/posture', 'from')?.schema).toEqual({ type: 'string', format: 'date' });
    expect(parameter('GET /triage', 'service')?.schema).toMatchObject({ type: 'array', maxItems: 500 });
  });

  it('flags a query parameter written apart from its schema (the check itself)', () => {
    const broken = structuredClone(doc);
    // The drift the hand-written copies had (no minimum), and a bound the route does not keep.
    delete broken.paths['/export/findings.csv'].get.parameters!.find((p) => p.name === 'limit')!.schema!.minimum;
    broken.paths['/export/findings.json'].get.parameters!.find((p) => p.name === 'limit')!.schema!.minimum = 2;
    broken.paths['/week'].get.parameters!.push({ name: 'window', in: 'query', schema: { type: 'string' } });
    const findings = broken.paths['/findings'].get;
    findings.parameters = findings.parameters!.filter((p) => p.name !== 'sort');
    findings.parameters.find((p) => p.name === 'state')!.schema!.enum = ['open', 'fixed', 'all', 'closed'];
    broken.paths['/services/{name}'].get.parameters!.push({ name: 'verbose', in: 'query', schema: { type: 'string' } });
    expect(queryParameterProblems(broken).problems).toEqual([
      'GET /services/{name}: query parameters without a query schema',
      'GET /findings ?sort: missing',
      expect.stringMatching(/^GET \/findings \?state: .* is not its schema's /),
      'GET /findings ?state: refuses closed of its enum',
      'GET /week ?window: not in its query schema',
      expect.stringMatching(/^GET \/export\/findings\.csv \?limit: .* is not its schema's /),
      expect.stringMatching(/^GET \/export\/findings\.json \?limit: .* is not its schema's /),
      'GET /export/findings.json ?limit: takes 1, below its minimum',
    ]);
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
