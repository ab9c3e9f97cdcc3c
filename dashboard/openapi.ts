// The OpenAPI 3.1 document of the dashboard API (served at GET /api/v1/openapi.json). The ingest
// body schema is generated from ScanReportSchema, every JSON answer's schema from the zod schema
// its route builds the answer as (GET /triage's inline), and the query parameters from the zod
// schema each route parses its query with, so none can drift from what the server does; OpenVEX
// documents and this document itself are plain objects that say why.
import { z } from 'zod';
import { READ_API_SCHEMAS } from '../src/report/read-api.js';
import { ScanReportSchema } from '../src/report/scan-report.js';
import { TriageResponseSchema } from '../src/report/triage.js';
import { AuditQuerySchema, AuditResponseSchema, NewTokenBodySchema, TokenCreatedResponseSchema, TokenRevokedResponseSchema, TokensResponseSchema } from './api/admin.js';
import { IngestQuerySchema, IngestResponseSchema } from './api/ingest.js';
import { ExportQuerySchema, FindingQuerySchema, LimitQuerySchema, PostureQuerySchema, WeekQuerySchema } from './api/query.js';
import { ScanCheckResponseSchema } from './api/scan-check.js';
import { TriageChangeResponseSchema, TriageClearBodySchema, TriageQuerySchema, TriageSetBodySchema } from './api/triage.js';

/** Every JSON answer with a schema, by the name the document gives it: the read API's, then the dashboard's own. */
const ANSWER_SCHEMAS = {
  ...READ_API_SCHEMAS,
  IngestResponse: IngestResponseSchema,
  ScanCheckResponse: ScanCheckResponseSchema,
  TriageChangeResponse: TriageChangeResponseSchema,
  TokensResponse: TokensResponseSchema,
  TokenCreatedResponse: TokenCreatedResponseSchema,
  TokenRevokedResponse: TokenRevokedResponseSchema,
  AuditResponse: AuditResponseSchema,
} as const;

const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});
const json = (description: string, schema: object) => ({
  description,
  content: { 'application/json': { schema } },
});
/** An endpoint's answer, by its schema's name in ANSWER_SCHEMAS. */
const body = (description: string, name: keyof typeof ANSWER_SCHEMAS) => json(description, { $ref: `#/components/schemas/${name}` });
/** A JSON answer this document does not spell out field by field; `why` says so in its schema. */
const opaqueObject = (description: string, why: string) => json(description, { type: 'object', description: why });
const answerSchemas = Object.fromEntries(
  Object.entries(ANSWER_SCHEMAS).map(([name, schema]) => [name, z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' })]),
);
/**
 * A route's query parameters, generated from the zod schema it parses its query with (query.ts), a
 * property's description as its parameter's. `io: 'input'`: a parameter is the text a client sends,
 * before the schema's coercions and transforms (`kev=true` before it is a boolean, `days=7` before
 * it is a number); toJSONSchema describes that side of a transform, not its output. No
 * `unrepresentable: 'any'`: a query schema it cannot describe throws here (the app builds this
 * document when it starts) instead of documenting a parameter as anything.
 */
function queryParameters(schema: z.ZodObject) {
  const json = z.toJSONSchema(schema, { io: 'input' });
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    if (typeof property === 'boolean') throw new Error(`query parameter ${name}: a JSON Schema of ${property}`);
    const { description, ...parameterSchema } = property;
    return { name, in: 'query', required: json.required?.includes(name) ?? false, schema: parameterSchema, ...(description === undefined ? {} : { description }) };
  });
}
const p = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
const triageResponse = z.toJSONSchema(TriageResponseSchema, { io: 'output', unrepresentable: 'any' });
const read = { 401: error('no, unknown, revoked or expired credential'), 403: error('credential without the viewer role') };
export function buildOpenApiDocument(options: { publicBadges: boolean }) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Gatehouse dashboard API',
      version: '1',
      description: 'Ingest scan reports and read service posture. Errors are JSON `{ error, field? }`.',
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'A dashboard token (admin, triager, viewer or ingest), or a GitHub Actions OIDC JWT for ingest. A browser session cookie works too; its unsafe calls (POST, DELETE) must send the session CSRF token in X-CSRF-Token.',
        },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'string' }, field: { type: 'string' } },
        },
        ScanReport: z.toJSONSchema(ScanReportSchema, { io: 'input', unrepresentable: 'any' }),
        NewToken: z.toJSONSchema(NewTokenBodySchema, { io: 'input', unrepresentable: 'any' }),
        TriageSet: z.toJSONSchema(TriageSetBodySchema, { io: 'input', unrepresentable: 'any' }),
        TriageClear: z.toJSONSchema(TriageClearBodySchema, { io: 'input', unrepresentable: 'any' }),
        ...answerSchemas,
      },
    },
    paths: {
      '/scans': {
        post: {
          summary: 'Ingest a scan report (idempotent per caller scope, service and scanId)',
          parameters: queryParameters(IngestQuerySchema),
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/ScanReport' } } } },
          responses: {
            201: body('ingested', 'IngestResponse'),
            200: body('the same report under this scanId again: nothing changed (`status: "duplicate"`)', 'IngestResponse'),
            400: error('not JSON or not a valid report; `field` names the path'),
            401: error('no or refused credential (token or OIDC)'),
            403: error('credential may not ingest (role, a service outside its scope, or a snapshot from an OIDC ref not in snapshotRefs)'),
            409: error('scanId already used for one of these services with a different report (`field: "scanId"`), or source.repository is not the repository of a service\'s scans (`field: "source.repository"`; rename the service or use moveRepository)'),
            413: error('body larger than the limit'),
            429: error('rate limit per token; see Retry-After'),
          },
        },
      },
      '/scans/check': {
        post: {
          summary: "Before a push sends any service: would POST /scans take the report's repository for all of them?",
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['repository', 'services'],
                  properties: { repository: { type: 'string' }, services: { type: 'array', items: { type: 'string' }, maxItems: 10000 } },
                },
              },
            },
          },
          responses: {
            200: body('no service of these belongs to another repository', 'ScanCheckResponse'),
            400: error('not JSON, or not { repository, services }; `field` names the path'),
            401: error('no or refused credential (token or OIDC)'),
            403: error('credential may not ingest one of these services (`field: "services"`)'),
            409: error('a service belongs to another repository (`field: "source.repository"`, the message of POST /scans)'),
            413: error('body larger than 4 MiB'),
          },
        },
      },
      '/services': {
        get: {
          summary: 'Overview of every service',
          parameters: [
            { name: 'If-None-Match', in: 'header', required: false, schema: { type: 'string' }, description: 'the ETag of an overview the client holds: 304 while the overview is the same' },
          ],
          responses: {
            200: { ...body('services', 'ServicesResponse'), headers: { ETag: { description: 'weak tag of this overview (the same for the gzipped and the plain body)', schema: { type: 'string' } } } },
            304: { description: 'the overview is the one If-None-Match named (no body)', headers: { ETag: { schema: { type: 'string' } } } },
            ...read,
          },
        },
      },
      '/services/{name}': {
        get: { summary: 'One service: counts, MTTR and SLA per severity, recent scans', parameters: [p('name')], responses: { 200: body('service', 'ServiceResponse'), 404: error('no such service'), ...read } },
      },
      '/services/{name}/posture': {
        get: {
          summary: 'Open findings per severity per day (carried forward between snapshots)',
          parameters: [p('name'), ...queryParameters(PostureQuerySchema)],
          responses: { 200: body('points', 'PostureResponse'), 400: error('bad day or range'), 404: error('no such service'), ...read },
        },
      },
      '/services/{name}/scans': {
        get: { summary: 'Recent scans, newest first (viewer, or an ingest credential scoped to the service)', parameters: [p('name'), ...queryParameters(LimitQuerySchema)], responses: { 200: body('scans', 'ScansResponse'), 404: error('no such service'), ...read } },
      },
      '/findings': {
        get: {
          summary: 'Findings with filters and pagination (viewer; an ingest credential may read with ?service= of its scope)',
          parameters: queryParameters(FindingQuerySchema),
          responses: { 200: body('items and total', 'FindingsResponse'), 400: error('bad filter'), ...read },
        },
      },
      '/findings/{service}/{fingerprint}': {
        get: { summary: 'One finding: lifecycle events, suppression, scans seen', parameters: [p('service'), p('fingerprint')], responses: { 200: body('finding', 'FindingDetail'), 404: error('no such finding'), ...read } },
      },
      '/vulnerabilities/{id}': {
        get: {
          summary: 'Which services have this vulnerability open: matched on rule ids and aliases (CVE, GHSA, GO-, RUSTSEC-, PYSEC-, OSV ids), case ignored, odd suffixes dropped',
          parameters: [p('id')],
          responses: { 200: body('services with open findings of it (none: an empty list)', 'VulnerabilityResponse'), 400: error('not a vulnerability id'), ...read },
        },
      },
      '/week': {
        get: {
          summary:
            'This week, at a glance: new, fixed and reopened findings over the window (every service, default-branch snapshots), the newest of them, the oldest open findings, each service\'s change over the window, SLA breaches now, and the 13-week remediation trend (open findings past their SLA per day; mean and median days to remediate per week)',
          parameters: queryParameters(WeekQuerySchema),
          responses: { 200: body('the week', 'WeekResponse'), 400: error('bad days or limit'), ...read },
        },
      },
      '/triage': {
        get: {
          summary:
            'Triage decisions in force (false positive, accepted risk until a date, not affected): what the action applies as suppressions. Viewers and admins read every service; an ingest credential its own services',
          parameters: queryParameters(TriageQuerySchema),
          responses: { 200: json('decisions', triageResponse), 400: error('bad query: an unknown parameter (refused here, unlike the other reads) or a service name no scan can carry'), 401: read[401], 403: error('an ingest credential asking for a service outside its scope') },
        },
        post: {
          summary:
            'Set (or replace) a triage decision on one finding (`fingerprint`) or many (`fingerprints`, at most 500) of one service: false_positive; accepted_risk with owner, reason and `until` (YYYY-MM-DD, today or later; it holds to the end of that day UTC, then the finding counts again); not_affected with an OpenVEX justification. The fingerprint may be a finding of the default branch or one a failing PR scan blocked on. Triager or admin; audited (triage.set)',
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/TriageSet' } } } },
          responses: {
            200: body('{ applied, missing (fingerprints not found), decisions (now in force) }', 'TriageChangeResponse'),
            400: error('not JSON or an invalid decision; `field` names it (owner, reason, until, justification, fingerprints)'),
            401: read[401],
            403: error('not a triager or admin; or a session call without its X-CSRF-Token'),
            404: error('no such service, or none of the fingerprints is a finding of it'),
          },
        },
        delete: {
          summary: 'Clear the triage decisions of one finding or many of one service (the findings count again). Triager or admin; audited (triage.clear)',
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/TriageClear' } } } },
          responses: {
            200: body('{ applied, missing (fingerprints without a decision), decisions }', 'TriageChangeResponse'),
            400: error('not JSON or invalid; `field` names it'),
            401: read[401],
            403: error('not a triager or admin; or a session call without its X-CSRF-Token'),
            404: error('no such service, or none of the fingerprints has a decision'),
          },
        },
      },
      '/triage/openvex': {
        get: {
          summary: 'The triage decisions as an OpenVEX v0.2.0 document (not affected with its justification; a false positive as not affected; an accepted risk as affected with an action statement)',
          parameters: queryParameters(TriageQuerySchema),
          responses: {
            200: opaqueObject('OpenVEX document', 'An OpenVEX 0.2.0 document (https://openvex.dev): an external format, specified by OpenVEX, not by this API'),
            400: error('bad query: an unknown parameter or a service name no scan can carry'),
            ...read,
          },
        },
      },
      '/export/findings.csv': {
        get: { summary: 'CSV export (same filters)', parameters: queryParameters(ExportQuerySchema), responses: { 200: { description: 'text/csv' }, 400: error('bad filter'), ...read } },
      },
      '/export/findings.json': {
        get: { summary: 'JSON export (same filters)', parameters: queryParameters(ExportQuerySchema), responses: { 200: body('items', 'FindingsExport'), 400: error('bad filter'), ...read } },
      },
      '/badge/{service}.svg': {
        get: {
          summary: options.publicBadges ? 'SVG badge (public)' : 'SVG badge (viewer)',
          ...(options.publicBadges ? { security: [] } : {}),
          parameters: [p('service')],
          responses: { 200: { description: 'image/svg+xml' }, 404: error('no such service'), ...(options.publicBadges ? {} : read) },
        },
      },
      '/openapi.json': { get: { summary: 'This document', security: [], responses: { 200: opaqueObject('OpenAPI 3.1', "This OpenAPI 3.1 document itself: the OpenAPI 3.1 specification's schema describes it") } } },
      '/admin/tokens': {
        get: { summary: 'List tokens (never their secrets)', responses: { 200: body('tokens', 'TokensResponse'), 401: read[401], 403: error('not admin') } },
        post: {
          summary: 'Create a token; the secret is in this response only',
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/NewToken' } } } },
          responses: { 201: body('the token, with its secret', 'TokenCreatedResponse'), 400: error('bad request'), 401: read[401], 403: error('not admin') },
        },
      },
      '/admin/tokens/{id}': {
        delete: { summary: 'Revoke a token (and its sessions)', parameters: [p('id')], responses: { 200: body('revoked', 'TokenRevokedResponse'), 404: error('no active token'), 409: error('the token this request is authenticated with (revoke it with another admin token)'), 401: read[401], 403: error('not admin') } },
      },
      '/admin/audit': {
        get: {
          summary: 'Audit log, newest first',
          parameters: queryParameters(AuditQuerySchema),
          responses: { 200: body('entries', 'AuditResponse'), 401: read[401], 403: error('not admin') },
        },
      },
    },
  };
}
