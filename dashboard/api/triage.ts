// The triage read API: GET /api/v1/triage (the decisions in force, for the action's gate) and
// GET /api/v1/triage/openvex (the same decisions as an OpenVEX v0.2.0 document). Viewers and admins
// read every service; an ingest credential (the action's token or OIDC identity) reads the services
// it may upload for, like the baseline's reads (auth/principal.ts `requireServiceRead`).
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { isServiceName, SERVICE_NAME_RULE } from '../../src/report/service-name.js';
import type { TriageResponseSchema } from '../../src/report/triage.js';
import { currentPrincipal, mayIngestFor, requireRole, roleAllows } from '../auth/principal.js';
import type { AppEnv, RouteDeps } from '../deps.js';
import { ApiError } from '../http-error.js';
import { buildOpenVex } from '../store/triage.js';
import type { ReadStore, TriageStore } from '../store/types.js';
import { zodIssueToApiError } from './query.js';

const MAX_SERVICES = 500;
// Any name a scan may carry, the root service "(root)" included: its page links its OpenVEX export.
const StoredServiceNameSchema = z.string().refine(isServiceName, `a service name: ${SERVICE_NAME_RULE}, or (root)`);
const TriageQuerySchema = z.object({ service: z.array(StoredServiceNameSchema).max(MAX_SERVICES).optional() }).strict();

export function createTriageRoutes(deps: Pick<RouteDeps, 'now'> & { store: ReadStore & TriageStore }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { store } = deps;

  /** The services asked for (`?service=a&service=b`), or undefined for all; unknown parameters are refused. */
  const servicesOf = (c: Context<AppEnv>): string[] | undefined => {
    const raw: Record<string, unknown> = { ...c.req.query() };
    const list = c.req.queries('service');
    if (list) raw.service = list;
    const r = TriageQuerySchema.safeParse(raw);
    if (!r.success) throw zodIssueToApiError(r.error, 'invalid query');
    return r.data.service;
  };

  app.get('/triage', async (c) => {
    const p = currentPrincipal(c);
    let services = servicesOf(c);
    if (!roleAllows(p.role, 'viewer')) {
      if (p.role !== 'ingest') throw new ApiError(403, `this ${p.role} credential may not read triage decisions`);
      if (services === undefined) {
        if (p.services.length > 0) services = p.services;
      } else {
        const refused = services.find((s) => !mayIngestFor(p, s));
        if (refused !== undefined) throw new ApiError(403, `this ingest credential may not read service "${refused}"`, 'service');
      }
    }
    const at = deps.now();
    // The gate asks here: acceptances past their date are ended (history, audit) before it is told.
    await store.expireTriage(at);
    const body: z.infer<typeof TriageResponseSchema> = { decisions: await store.listTriage(services, at) };
    return c.json(body);
  });

  app.get('/triage/openvex', requireRole('viewer'), async (c) => {
    const at = deps.now();
    const services = servicesOf(c);
    const decisions = await store.listTriage(services, at);
    const findings = new Map<string, Awaited<ReturnType<ReadStore['getFinding']>>>();
    for (const d of decisions) findings.set(`${d.service}\u0000${d.fingerprint}`, await store.getFinding(d.service, d.fingerprint, at));
    const origin = new URL(c.req.url).origin;
    const doc = buildOpenVex(decisions, (d) => findings.get(`${d.service}\u0000${d.fingerprint}`)?.finding, {
      id: `${origin}/api/v1/triage/openvex#${at.toISOString()}`,
      author: 'Gatehouse dashboard',
      now: at,
    });
    c.header('Content-Disposition', 'attachment; filename="gatehouse.openvex.json"');
    return c.body(JSON.stringify(doc, null, 2), 200, { 'Content-Type': 'application/json; charset=UTF-8' });
  });
  return app;
}
