// The finding page with its triage panel, the triage form posts (one finding, or many from the bulk
// page), the bulk page, and a failing PR scan's page (the findings its gate blocked on, which only
// the PR has seen, with the same bulk form). Reading needs a viewer session; deciding needs a
// triager or admin one (`TRIAGE_ROLE`), the session's CSRF token and our Origin. Every change is
// audit-logged by the store in the same transaction as the decision.
import { Hono } from 'hono';
import { roleAllows, shortName } from '../auth/principal.js';
import type { SessionOptions } from '../auth/session.js';
import type { AppEnv } from '../deps.js';
import type { ReadStore, TriageStore } from '../store/types.js';
import { toTriageRecord, TriageInputError, TriageInputSchema } from '../store/triage.js';
import { checkPost, describeZodError, notFound, pagePrincipal, viewerOf, type PageContext } from './context.js';
import { FindingPage } from './finding.js';
import { MessagePage } from './login.js';
import { BulkTriagePage, PullRequestTriagePage } from './triage.js';
import { findingHref, serviceHref } from '../components/hrefs.js';

/** The least role that may triage (admins may too). */
const TRIAGE_ROLE = 'triager';
const mayTriage = (c: PageContext) => roleAllows(pagePrincipal(c)!.role, TRIAGE_ROLE);
const BULK_PAGE_SIZE = 500;

const blank = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/** The form's fields as the input schema takes them (blank fields absent). */
function parseTriageForm(form: Record<string, unknown>) {
  return TriageInputSchema.safeParse({
    status: blank(form.status),
    reason: typeof form.reason === 'string' ? form.reason : undefined,
    owner: blank(form.owner),
    until: blank(form.until),
    justification: blank(form.justification),
  });
}

export function createTriagePageRoutes(deps: { store: ReadStore & TriageStore; now: () => Date }, opts: SessionOptions): Hono<AppEnv> {
  const { store, now } = deps;
  const app = new Hono<AppEnv>();

  const renderFinding = async (c: PageContext, service: string, fingerprint: string, extra: { error?: string; notice?: string } = {}) => {
    const at = now();
    const detail = await store.getFinding(service, fingerprint, at);
    if (!detail) return notFound(c, `No finding ${fingerprint} in service “${service}”.`);
    const triage = await store.getTriage(service, fingerprint, at);
    const p = pagePrincipal(c)!;
    return c.html(
      <FindingPage viewer={viewerOf(c)!} detail={detail} sla={store.sla} now={at} triage={{ ...triage, canTriage: roleAllows(p.role, TRIAGE_ROLE), ...extra }} />,
    );
  };

  const refuseRole = (c: PageContext) => {
    c.status(403);
    return c.html(<MessagePage title="Triagers only" message="Triage needs a triager or admin sign-in." viewer={viewerOf(c)} />);
  };

  app.get('/services/:name/findings/:fingerprint', async (c) => {
    const triaged = c.req.query('triaged');
    const notice = triaged === 'set' ? 'Decision saved.' : triaged === 'clear' ? 'Decision cleared: the finding counts again.' : undefined;
    return renderFinding(c, c.req.param('name'), c.req.param('fingerprint'), { notice });
  });

  app.post('/services/:name/findings/:fingerprint/triage', async (c) => {
    const p = pagePrincipal(c)!;
    const form = await c.req.parseBody();
    const refusal = checkPost(c, opts, p.csrf, form._csrf);
    if (refusal) return refusal;
    if (!mayTriage(c)) return refuseRole(c);
    const { name, fingerprint } = c.req.param();
    const at = now();
    if (form.op === 'clear') {
      const r = await store.clearTriage(name, [fingerprint], p.actor, at);
      if (r.applied === 0) {
        c.status(404);
        return renderFinding(c, name, fingerprint, { error: 'No decision to clear on this finding.' });
      }
      return c.redirect(`${findingHref(name, fingerprint)}?triaged=clear#triage`, 303);
    }
    const parsed = parseTriageForm(form);
    let error: string | undefined;
    if (!parsed.success) error = describeZodError(parsed.error);
    else {
      try {
        const r = await store.setTriage(name, [fingerprint], toTriageRecord(parsed.data, shortName(p.label), at), p.actor, at);
        if (r.applied === 0) return notFound(c, `No finding ${fingerprint} in service “${name}”.`);
        return c.redirect(`${findingHref(name, fingerprint)}?triaged=set#triage`, 303);
      } catch (err) {
        if (!(err instanceof TriageInputError)) throw err;
        error = err.message;
      }
    }
    c.status(400);
    return renderFinding(c, name, fingerprint, { error: `Decision not saved: ${error}` });
  });

  const renderBulk = async (c: PageContext, service: string, extra: { error?: string; notice?: string } = {}) => {
    const at = now();
    const { items, total } = await store.listFindings({ service, state: 'open', sort: 'severity', limit: BULK_PAGE_SIZE, offset: 0 }, at);
    return c.html(<BulkTriagePage viewer={viewerOf(c)!} service={service} findings={items} total={total} {...extra} />);
  };

  app.get('/services/:name/triage', async (c) => {
    const name = c.req.param('name');
    if (!mayTriage(c)) return refuseRole(c);
    if (!(await store.hasService(name))) return notFound(c, `No service named “${name}”.`);
    // Only numbers come back in the URL: a crafted link cannot put words on the page.
    const n = Number(c.req.query('applied'));
    const missing = Number(c.req.query('missing') ?? 0);
    const op = c.req.query('op');
    if (!Number.isInteger(n) || n < 0 || !['set', 'clear'].includes(op ?? '')) return renderBulk(c, name);
    const gone = Number.isInteger(missing) && missing > 0 ? `; ${missing} had none or are no longer in this service` : '';
    return renderBulk(c, name, { notice: `${op === 'set' ? 'Decision applied to' : 'Decision cleared on'} ${n} finding${n === 1 ? '' : 's'}${gone}.` });
  });

  app.post('/services/:name/triage', async (c) => {
    const p = pagePrincipal(c)!;
    const form = await c.req.parseBody({ all: true });
    const refusal = checkPost(c, opts, p.csrf, form._csrf);
    if (refusal) return refusal;
    if (!mayTriage(c)) return refuseRole(c);
    const name = c.req.param('name');
    if (!(await store.hasService(name))) return notFound(c, `No service named “${name}”.`);
    const fps = ([] as unknown[]).concat(form.fp ?? []).filter((v): v is string => typeof v === 'string' && v.length > 0 && v.length <= 200);
    const at = now();
    c.status(400);
    if (fps.length === 0) return renderBulk(c, name, { error: 'Check at least one finding.' });
    if (fps.length > BULK_PAGE_SIZE) return renderBulk(c, name, { error: `At most ${BULK_PAGE_SIZE} findings at once.` });
    const op = Array.isArray(form.op) ? form.op[0] : form.op;
    if (op === 'clear') {
      const r = await store.clearTriage(name, fps, p.actor, at);
      return c.redirect(`${serviceHref(name)}/triage?op=clear&applied=${r.applied}&missing=${r.missing.length}`, 303);
    }
    const single = Object.fromEntries(Object.entries(form).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
    const parsed = parseTriageForm(single);
    if (!parsed.success) return renderBulk(c, name, { error: `Nothing saved: ${describeZodError(parsed.error)}` });
    try {
      const r = await store.setTriage(name, fps, toTriageRecord(parsed.data, shortName(p.label), at), p.actor, at);
      return c.redirect(`${serviceHref(name)}/triage?op=set&applied=${r.applied}&missing=${r.missing.length}`, 303);
    } catch (err) {
      if (!(err instanceof TriageInputError)) throw err;
      return renderBulk(c, name, { error: `Nothing saved: ${err.message}` });
    }
  });
  // A PR scan of one service: what its gate blocked on (kept for failing PR scans), each with its
  // decision, and the bulk form for triagers. Decisions are keyed by service and fingerprint, so the
  // action's next run (GET /api/v1/triage) suppresses them whether or not the default branch has them.
  const prHref = (service: string, scanId: string) => `/pulls/${encodeURIComponent(service)}/${encodeURIComponent(scanId)}`;
  const renderPr = async (c: PageContext, service: string, scanId: string, extra: { error?: string; notice?: string } = {}) => {
    const detail = await store.getPullRequestScan(service, scanId, now());
    if (!detail) return notFound(c, `No pull-request scan ${scanId} of service “${service}”.`);
    return c.html(<PullRequestTriagePage viewer={viewerOf(c)!} detail={detail} action={`${prHref(service, scanId)}/triage`} canTriage={mayTriage(c)} {...extra} />);
  };

  app.get('/pulls/:service/:scanId', async (c) => {
    const { service, scanId } = c.req.param();
    const n = Number(c.req.query('applied'));
    const missing = Number(c.req.query('missing') ?? 0);
    const op = c.req.query('op');
    if (!Number.isInteger(n) || n < 0 || !['set', 'clear'].includes(op ?? '')) return renderPr(c, service, scanId);
    const gone = Number.isInteger(missing) && missing > 0 ? `; ${missing} had none or are not this scan's` : '';
    return renderPr(c, service, scanId, { notice: `${op === 'set' ? 'Decision applied to' : 'Decision cleared on'} ${n} finding${n === 1 ? '' : 's'}${gone}. The next run of the gate obeys it.` });
  });

  app.post('/pulls/:service/:scanId/triage', async (c) => {
    const p = pagePrincipal(c)!;
    const form = await c.req.parseBody({ all: true });
    const refusal = checkPost(c, opts, p.csrf, form._csrf);
    if (refusal) return refusal;
    if (!mayTriage(c)) return refuseRole(c);
    const { service, scanId } = c.req.param();
    const detail = await store.getPullRequestScan(service, scanId, now());
    if (!detail) return notFound(c, `No pull-request scan ${scanId} of service “${service}”.`);
    // Only this scan's blocking findings: the form cannot be used to decide on anything else.
    const own = new Set(detail.findings.map((f) => f.fingerprint));
    const fps = ([] as unknown[]).concat(form.fp ?? []).filter((v): v is string => typeof v === 'string' && own.has(v));
    const at = now();
    c.status(400);
    if (fps.length === 0) return renderPr(c, service, scanId, { error: 'Check at least one finding.' });
    const op = Array.isArray(form.op) ? form.op[0] : form.op;
    const back = (r: { applied: number; missing: string[] }, o: string) => c.redirect(`${prHref(service, scanId)}?op=${o}&applied=${r.applied}&missing=${r.missing.length}`, 303);
    if (op === 'clear') return back(await store.clearTriage(service, fps, p.actor, at), 'clear');
    const single = Object.fromEntries(Object.entries(form).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
    const parsed = parseTriageForm(single);
    if (!parsed.success) return renderPr(c, service, scanId, { error: `Nothing saved: ${describeZodError(parsed.error)}` });
    try {
      return back(await store.setTriage(service, fps, toTriageRecord(parsed.data, shortName(p.label), at), p.actor, at), 'set');
    } catch (err) {
      if (!(err instanceof TriageInputError)) throw err;
      return renderPr(c, service, scanId, { error: `Nothing saved: ${err.message}` });
    }
  });
  return app;
}
