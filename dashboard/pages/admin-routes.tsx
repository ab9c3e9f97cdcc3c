// The admin pages: tokens (create, revoke) and the audit log. Admin sessions only.
import { Hono } from 'hono';
import { z } from 'zod';
import { isServiceName, SERVICE_NAME_RULE } from '../../src/report/service-name.js';
import type { SessionOptions } from '../auth/session.js';
import type { AppEnv } from '../deps.js';
import { hasNul, NUL_REFUSED } from '../store/text.js';
import { ROLES, type AuthStore } from '../store/types.js';
import { AdminPage, AUDIT_FAMILIES, type AdminPageProps } from './admin.js';
import { checkPost, describeZodError, pagePrincipal, viewerOf, type PageContext } from './context.js';
import { MessagePage } from './login.js';

const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);

const CreateTokenForm = z.object({
  label: z.string().trim().min(1, 'a label is required').max(100),
  role: z.enum(ROLES),
  services: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(/[,\s]+/)
        .map((x) => x.trim())
        .filter(Boolean),
    ),
  expiresInDays: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(3650).optional()),
}).superRefine((form, ctx) => {
  if (hasNul(form.label)) ctx.addIssue({ code: 'custom', path: ['label'], message: NUL_REFUSED });
  // Same rule as the API (api/admin.ts): only ingest tokens are scoped; never drop a scope silently.
  if (form.role !== 'ingest' && form.services.length > 0) {
    ctx.addIssue({ code: 'custom', path: ['services'], message: `only ingest tokens are scoped to services; a ${form.role} token reads every service (leave services empty)` });
  }
  for (const name of form.services) {
    if (!isServiceName(name)) ctx.addIssue({ code: 'custom', path: ['services'], message: `"${name.slice(0, 40)}" is not a service name (${SERVICE_NAME_RULE})` });
  }
});

export function createAdminPageRoutes(store: AuthStore, opts: SessionOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    if (pagePrincipal(c)?.role === 'admin') return next();
    c.status(403);
    return c.html(<MessagePage title="Admins only" message="This page needs an admin token." viewer={viewerOf(c)} />);
  });

  const renderAdmin = async (c: PageContext, extra: Partial<AdminPageProps> = {}) => {
    // Only a known family filters (anything else shows everything): a link cannot put words on the page.
    const asked = c.req.query('action');
    const auditAction = (AUDIT_FAMILIES as readonly string[]).includes(asked ?? '') ? asked : undefined;
    return c.html(
      <AdminPage viewer={viewerOf(c)!} tokens={await store.listTokens()} audit={await store.listAudit(200, auditAction)} now={opts.now()} auditAction={auditAction} {...extra} />,
    );
  };

  app.get('/', (c) => {
    const revoked = c.req.query('revoked');
    return renderAdmin(c, revoked ? { notice: `Token ${revoked} revoked; its sessions have ended.` } : {});
  });

  app.post('/tokens', async (c) => {
    const p = pagePrincipal(c)!;
    const form = await c.req.parseBody();
    const refusal = checkPost(c, opts, p.csrf, form._csrf);
    if (refusal) return refusal;
    const parsed = CreateTokenForm.safeParse({
      label: form.label,
      role: form.role,
      services: typeof form.services === 'string' ? form.services : '',
      expiresInDays: form.expiresInDays,
    });
    if (!parsed.success) {
      c.status(400);
      return renderAdmin(c, { error: `Token not created: ${describeZodError(parsed.error)}` });
    }
    const { label, role, services, expiresInDays } = parsed.data;
    const at = opts.now();
    const expiresAt = expiresInDays ? new Date(at.getTime() + expiresInDays * 86_400_000).toISOString() : undefined;
    const created = await store.createToken({ label, role, services, expiresAt }, at);
    await store.addAudit(p.actor, 'token.create', { id: created.id, label, role, services, expiresAt: expiresAt ?? null }, at);
    c.status(201);
    return renderAdmin(c, { created: { id: created.id, label, role, token: created.token } });
  });

  app.post('/tokens/:id/revoke', async (c) => {
    const p = pagePrincipal(c)!;
    const form = await c.req.parseBody();
    const refusal = checkPost(c, opts, p.csrf, form._csrf);
    if (refusal) return refusal;
    const id = c.req.param('id');
    const at = opts.now();
    // Revoking the token of this session would sign the admin out mid-action (and may leave no admin).
    if (id === p.tokenId) {
      c.status(409);
      return renderAdmin(c, { error: `Token ${id} is the one you are signed in with; it was not revoked. Sign in with another admin token to revoke it.` });
    }
    if (!(await store.revokeToken(id, at))) {
      c.status(404);
      return renderAdmin(c, { error: `No active token ${id}.` });
    }
    await store.addAudit(p.actor, 'token.revoke', { id }, at);
    return c.redirect(`/admin?revoked=${encodeURIComponent(id)}`, 303);
  });
  return app;
}
