// The admin API: tokens (create, list, revoke) and the audit log. Every change is audit-logged.
import { Hono } from 'hono';
import { z } from 'zod';
import { ServiceNameSchema } from '../../src/report/service-name.js';
import { currentPrincipal, requireRole } from '../auth/principal.js';
import type { AppEnv, RouteDeps } from '../deps.js';
import { ApiError } from '../http-error.js';
import { jsonBody } from './json-body.js';
import { hasNul, NUL_REFUSED } from '../store/text.js';
import { AuditEntrySchema, ROLES, TokenInfoSchema, type AuthStore } from '../store/types.js';
import { LimitQuerySchema, parseQuery, zodIssueToApiError } from './query.js';

export const NewTokenBodySchema = z
  .object({
    role: z.enum(ROLES),
    label: z.string().trim().min(1).max(100),
    services: z.array(ServiceNameSchema).max(1000).optional(),
    expiresAt: z.string().datetime({ offset: true }).optional(),
  })
  .superRefine((body, ctx) => {
    if (hasNul(body.label)) ctx.addIssue({ code: 'custom', path: ['label'], message: NUL_REFUSED });
    // Only uploads are scoped to services; reads are not (yet), so a scoped viewer or admin would
    // silently see everything. Refused rather than dropped.
    if (body.role !== 'ingest' && body.services !== undefined && body.services.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['services'], message: `only ingest tokens are scoped to services; a ${body.role} token reads every service (omit services)` });
    }
  });

/** `action`: one action (`triage.set`) or a family (`triage`). */
const AuditActionSchema = z.string().regex(/^[a-z]+(\.[a-z]+)?$/, 'an action such as triage or triage.set');
const AuditQuerySchema = LimitQuerySchema.extend({ action: AuditActionSchema.optional() });

// The answers, as the OpenAPI document describes them (openapi.ts); the routes build them as these
// types. A token and an audit entry are the store's own shapes (store/types.ts).
/** GET /api/v1/admin/tokens */
export const TokensResponseSchema = z.object({ tokens: z.array(TokenInfoSchema) });
/** POST /api/v1/admin/tokens (201): the new token with its secret, in this answer only. */
export const TokenCreatedResponseSchema = TokenInfoSchema.extend({ token: z.string() });
/** DELETE /api/v1/admin/tokens/{id} */
export const TokenRevokedResponseSchema = z.object({ id: z.string(), revoked: z.literal(true) });
/** GET /api/v1/admin/audit (newest first) */
export const AuditResponseSchema = z.object({ entries: z.array(AuditEntrySchema) });

export function createAdminRoutes(deps: Pick<RouteDeps, 'now'> & { store: AuthStore }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { store } = deps;
  app.use('*', requireRole('admin'));

  app.get('/tokens', async (c) => {
    const answer: z.infer<typeof TokensResponseSchema> = { tokens: await store.listTokens() };
    return c.json(answer);
  });

  app.post('/tokens', async (c) => {
    const parsed = NewTokenBodySchema.safeParse(await jsonBody(c));
    if (!parsed.success) throw zodIssueToApiError(parsed.error, 'invalid token request');
    const input = parsed.data;
    if (input.expiresAt && Date.parse(input.expiresAt) <= deps.now().getTime()) {
      throw new ApiError(400, 'invalid token request: expiresAt is in the past', 'expiresAt');
    }
    const at = deps.now();
    const created = await store.createToken(input, at);
    const info = (await store.listTokens()).find((t) => t.id === created.id)!;
    await store.addAudit(currentPrincipal(c).actor, 'token.create', {
      id: created.id,
      role: info.role,
      label: info.label,
      services: info.services,
      expiresAt: info.expiresAt,
    }, at);
    // The secret is in this response only; the store keeps its sha256.
    const answer: z.infer<typeof TokenCreatedResponseSchema> = { ...info, token: created.token };
    return c.json(answer, 201);
  });

  app.delete('/tokens/:id', async (c) => {
    const id = c.req.param('id');
    const at = deps.now();
    if (id === currentPrincipal(c).tokenId) throw new ApiError(409, `token ${id} is the one this request is authenticated with; revoke it with another admin token`, 'id');
    if (!(await store.revokeToken(id, at))) throw new ApiError(404, `no active token ${id}`, 'id');
    await store.addAudit(currentPrincipal(c).actor, 'token.revoke', { id }, at);
    const answer: z.infer<typeof TokenRevokedResponseSchema> = { id, revoked: true };
    return c.json(answer);
  });

  app.get('/audit', async (c) => {
    const q = parseQuery(AuditQuerySchema, c.req.query());
    const answer: z.infer<typeof AuditResponseSchema> = { entries: await store.listAudit(q.limit, q.action) };
    return c.json(answer);
  });
  return app;
}
