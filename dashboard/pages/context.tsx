// What the page sub-apps share: who is viewing (the principal `authenticate` set from the session
// cookie), form checks, and the HTML error pages.
import type { Context } from 'hono';
import type { z } from 'zod';
import type { Principal } from '../auth/principal.js';
import { csrfTokensMatch, isSameOriginPost, type SessionOptions } from '../auth/session.js';
import type { ViewerInfo } from '../components/layout.js';
import type { AppEnv } from '../deps.js';
import { MessagePage } from './login.js';

export type PageContext = Context<AppEnv>;

/** The signed-in page user: a viewer, triager or admin session principal (pages never take bearer tokens). */
type PagePrincipal = Principal & { kind: 'session'; role: 'admin' | 'triager' | 'viewer'; tokenId: string; csrf: string };

export function pagePrincipal(c: PageContext): PagePrincipal | undefined {
  const p = c.get('principal');
  if (p?.kind !== 'session' || (p.role !== 'admin' && p.role !== 'triager' && p.role !== 'viewer') || !p.tokenId || !p.csrf) return undefined;
  return p as PagePrincipal;
}

export function viewerOf(c: PageContext): ViewerInfo | undefined {
  const p = pagePrincipal(c);
  return p ? { name: p.label, tokenId: p.tokenId, role: p.role, csrfToken: p.csrf } : undefined;
}

/** A refusal page when a form POST lacks our origin or the session's CSRF token, else undefined. */
export function checkPost(c: PageContext, opts: SessionOptions, csrf: string, given: unknown): Response | undefined {
  const origin = isSameOriginPost(c, opts);
  if (!origin.ok || !csrfTokensMatch(csrf, given)) {
    c.status(403);
    const why = !origin.ok ? origin.reason : 'missing or wrong CSRF token';
    return c.html(<MessagePage title="Request refused" message={`Form refused: ${why}. Reload the page and try again.`} viewer={viewerOf(c)} />) as unknown as Response;
  }
  return undefined;
}

export function notFound(c: PageContext, message: string) {
  c.status(404);
  return c.html(<MessagePage title="Not found" message={message} viewer={viewerOf(c)} />);
}

export function badRequest(c: PageContext, error: z.ZodError) {
  c.status(400);
  return c.html(<MessagePage title="Bad request" message={describeZodError(error)} viewer={viewerOf(c)} />);
}

export function describeZodError(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
}
