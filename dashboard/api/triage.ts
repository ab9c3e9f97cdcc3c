// The triage API: GET /api/v1/triage (the decisions in force, for the action's gate) and
// GET /api/v1/triage/openvex (the same decisions as an OpenVEX v0.2.0 document). Viewers, triagers
// and admins read every service; an ingest credential (the action's token or OIDC identity) reads
// the services it may upload for, like the baseline's reads (auth/principal.ts `requireServiceRead`).
// POST /api/v1/triage sets a decision on one finding or many (by fingerprint) of one service, and
// DELETE /api/v1/triage clears them: a triager or admin credential; a session caller must send its
// CSRF token in X-CSRF-Token (`requireRole`), as the pages' forms send theirs. The fingerprint may be
// a finding the default branch has, or one only a failing PR scan blocked on (pr_findings). Every
// change is audited by the store in the same transaction.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { isServiceName, SERVICE_NAME_RULE } from '../../src/report/service-name.js';
import { TriageDecisionSchema, type TriageResponseSchema } from '../../src/report/triage.js';
import { currentPrincipal, mayIngestFor, requireRole, roleAllows, shortName } from '../auth/principal.js';
import type { AppEnv, RouteDeps } from '../deps.js';
import { ApiError } from '../http-error.js';
import { jsonBody } from './json-body.js';
import { buildOpenVex, refineTriage, toTriageRecord, TRIAGE_FIELDS, TriageInputError } from '../store/triage.js';
import type { ReadStore, RepositoryStore, TriageStore } from '../store/types.js';
import { sameRepository } from '../store/lifecycle.js';
import { zodIssueToApiError } from './query.js';

const MAX_SERVICES = 500;
// Any name a scan may carry, the root service "(root)" included: its page links its OpenVEX export.
const StoredServiceNameSchema = z.string().refine(isServiceName, `a service name: ${SERVICE_NAME_RULE}, or (root)`);
/** GET /triage and /triage/openvex: `?service=a&service=b` (servicesOf reads a repeated parameter as this array). */
export const TriageQuerySchema = z
  .object({
    service: z.array(StoredServiceNameSchema).max(MAX_SERVICES).optional().describe('repeat for several services ((root) included); omitted: every service the credential may read'),
    repository: z
      .string()
      .min(1)
      .max(300)
      .optional()
      .describe("only the decisions on this repository's services (the repository of a service's latest scan that names one; case aside). The action and `gatehouse scan --dashboard` send the scanned repository: a same-named service of another repository never lends its decisions"),
  })
  .strict();

/** At most this many fingerprints per call. */
const MAX_TRIAGE_FINGERPRINTS = 500;
const FingerprintSchema = z.string().min(1).max(200);
const TARGET = {
  service: StoredServiceNameSchema,
  /** One finding... */
  fingerprint: FingerprintSchema.optional(),
  /** ...or many (bulk): exactly one of the two. */
  fingerprints: z.array(FingerprintSchema).min(1).max(MAX_TRIAGE_FINGERPRINTS).optional(),
};
function refineTarget(v: { fingerprint?: string; fingerprints?: string[] }, ctx: z.RefinementCtx): void {
  if ((v.fingerprint === undefined) === (v.fingerprints === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['fingerprints'], message: 'give either fingerprint or fingerprints (one of the two)' });
  }
}

/** POST /api/v1/triage: which findings, and the decision (the pages' form rules, `refineTriage`). */
export const TriageSetBodySchema = z
  .object({ ...TARGET, ...TRIAGE_FIELDS })
  .strict()
  .superRefine((v, ctx) => {
    refineTarget(v, ctx);
    refineTriage(v, ctx);
  });

/** DELETE /api/v1/triage: which findings' decisions to clear. */
export const TriageClearBodySchema = z.object(TARGET).strict().superRefine(refineTarget);

/** The answer of POST and DELETE /api/v1/triage. */
export const TriageChangeResponseSchema = z.object({
  /** Findings changed (at least one: none is a 404). */
  applied: z.number().int().positive(),
  /** Fingerprints not changed: no such finding (POST), or no decision on it (DELETE). */
  missing: z.array(z.string()),
  /** The decisions of the asked findings now in force (none after a DELETE). */
  decisions: z.array(TriageDecisionSchema),
});

export function createTriageRoutes(deps: Pick<RouteDeps, 'now'> & { store: ReadStore & TriageStore & RepositoryStore }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { store } = deps;

  /** The services asked for (`?service=a&service=b`, undefined for all) and the repository; unknown parameters are refused. */
  const queryOf = (c: Context<AppEnv>): z.infer<typeof TriageQuerySchema> => {
    const raw: Record<string, unknown> = { ...c.req.query() };
    const list = c.req.queries('service');
    if (list) raw.service = list;
    const r = TriageQuerySchema.safeParse(raw);
    if (!r.success) throw zodIssueToApiError(r.error, 'invalid query');
    return r.data;
  };
  /** The decisions in force for `services`; with `repository`, only on services of that repository (a service that never named one has none of its). */
  const decisionsOf = async (services: string[] | undefined, repository: string | undefined, at: Date) => {
    const decisions = await store.listTriage(services, at);
    if (repository === undefined) return decisions;
    const repositories = await store.repositoriesOf([...new Set(decisions.map((d) => d.service))]);
    return decisions.filter((d) => {
      const stored = repositories.get(d.service);
      return stored !== undefined && sameRepository(stored, repository);
    });
  };

  app.get('/triage', async (c) => {
    const p = currentPrincipal(c);
    const query = queryOf(c);
    let services = query.service;
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
    const body: z.infer<typeof TriageResponseSchema> = { decisions: await decisionsOf(services, query.repository, at) };
    return c.json(body);
  });

  /** The answer of a change: what was applied, what was not found, and the decisions now in force. */
  const changed = async (service: string, fps: string[], r: { applied: number; missing: string[] }, at: Date, field: string, clearing = false): Promise<z.infer<typeof TriageChangeResponseSchema>> => {
    if (r.applied === 0) {
      const listed = `${r.missing.slice(0, 5).join(', ')}${r.missing.length > 5 ? ', …' : ''}`;
      // A clear finds nothing when the finding is unknown or has no decision in force: say both.
      const what = clearing
        ? `no triage decision in force to clear in service "${service}" (an unknown finding, or one nobody decided): ${listed}`
        : `no ${r.missing.length === 1 ? 'finding' : 'findings'} to change in service "${service}": ${listed}`;
      throw new ApiError(404, what, field);
    }
    const wanted = new Set(fps);
    const decisions = (await store.listTriage([service], at)).filter((d) => wanted.has(d.fingerprint));
    return { applied: r.applied, missing: r.missing, decisions };
  };

  app.post('/triage', requireRole('triager'), async (c) => {
    const parsed = TriageSetBodySchema.safeParse(await jsonBody(c));
    if (!parsed.success) throw zodIssueToApiError(parsed.error, 'invalid triage decision');
    const { service, fingerprint, fingerprints, ...input } = parsed.data;
    const fps = fingerprints ?? [fingerprint!];
    if (!(await store.hasService(service))) throw new ApiError(404, `no service named "${service}"`, 'service');
    const p = currentPrincipal(c);
    const at = deps.now();
    let record;
    try {
      record = toTriageRecord(input, shortName(p.label), at);
    } catch (err) {
      if (err instanceof TriageInputError) throw new ApiError(400, `invalid triage decision: ${err.message}`, err.field);
      throw err;
    }
    const r = await store.setTriage(service, fps, record, p.actor, at);
    return c.json(await changed(service, fps, r, at, fingerprints ? 'fingerprints' : 'fingerprint'));
  });

  app.delete('/triage', requireRole('triager'), async (c) => {
    const parsed = TriageClearBodySchema.safeParse(await jsonBody(c));
    if (!parsed.success) throw zodIssueToApiError(parsed.error, 'invalid triage reset');
    const { service, fingerprint, fingerprints } = parsed.data;
    const fps = fingerprints ?? [fingerprint!];
    if (!(await store.hasService(service))) throw new ApiError(404, `no service named "${service}"`, 'service');
    const at = deps.now();
    const r = await store.clearTriage(service, fps, currentPrincipal(c).actor, at);
    return c.json(await changed(service, fps, r, at, fingerprints ? 'fingerprints' : 'fingerprint', true));
  });

  app.get('/triage/openvex', requireRole('viewer'), async (c) => {
    const at = deps.now();
    const query = queryOf(c);
    const decisions = await decisionsOf(query.service, query.repository, at);
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
