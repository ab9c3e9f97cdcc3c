// Sign in and out: a viewer, triager or admin token typed into /login becomes a session (auth/session.ts).
import { Hono } from 'hono';
import { clientAddress, type FailureThrottle } from '../auth/failure-throttle.js';
import {
  clearLoginNonce,
  clearSessionCookie,
  csrfTokensMatch,
  isSameOriginPost,
  issueLoginNonce,
  readLoginNonce,
  sessionIdOf,
  setSessionCookie,
  type SessionOptions,
} from '../auth/session.js';
import type { AppEnv } from '../deps.js';
import type { AuthStore } from '../store/types.js';
import { checkPost, pagePrincipal } from './context.js';
import { LoginPage } from './login.js';

export function createLoginRoutes(store: AuthStore, opts: SessionOptions, authFailures: FailureThrottle): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/login', (c) => {
    if (pagePrincipal(c)) return c.redirect('/', 303);
    const next = safeNext(c.req.query('next'));
    return c.html(<LoginPage csrf={issueLoginNonce(c, opts)} next={next} notice={c.req.query('bye') !== undefined ? 'Signed out.' : undefined} />);
  });

  app.post('/login', async (c) => {
    const form = await c.req.parseBody();
    const next = safeNext(typeof form.next === 'string' ? form.next : undefined);
    const origin = isSameOriginPost(c, opts);
    const nonceOk = csrfTokensMatch(readLoginNonce(c), form._csrf);
    if (!origin.ok || !nonceOk) {
      c.status(403);
      const why = !origin.ok ? origin.reason : 'the form expired or was not sent from this page';
      return c.html(<LoginPage csrf={issueLoginNonce(c, opts)} next={next} error={`Sign-in refused: ${why}. Try again.`} />);
    }
    const address = clientAddress(c);
    const wait = authFailures.blockedFor(address);
    if (wait !== undefined) {
      c.status(429);
      c.header('Retry-After', String(wait));
      return c.html(<LoginPage csrf={issueLoginNonce(c, opts)} next={next} error={`Too many failed sign-ins from this address. Try again in ${wait} s.`} />);
    }
    const at = opts.now();
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    const info = token ? await store.verifyToken(token, at) : undefined;
    if (!info || info.role === 'ingest') {
      authFailures.fail(address);
      c.status(401);
      const error = info ? 'This is an ingest token: it uploads scans but cannot open the dashboard. Use a viewer, triager or admin token.' : 'Unknown, revoked or expired token.';
      return c.html(<LoginPage csrf={issueLoginNonce(c, opts)} next={next} error={error} />);
    }
    const session = await store.createSession(info.id, at);
    setSessionCookie(c, opts, session.id, session.expiresAt);
    clearLoginNonce(c, opts);
    await store.addAudit(`token:${info.id} (${info.label})`, 'session.login', { role: info.role }, at);
    return c.redirect(next ?? '/', 303);
  });

  app.post('/logout', async (c) => {
    const p = pagePrincipal(c);
    const id = sessionIdOf(c);
    if (p && id) {
      const form = await c.req.parseBody();
      const refusal = checkPost(c, opts, p.csrf, form._csrf);
      if (refusal) return refusal;
      await store.deleteSession(id);
    }
    clearSessionCookie(c, opts);
    return c.redirect('/login?bye', 303);
  });
  return app;
}

/**
 * Only same-site relative paths are followed after login (no open redirect). Browsers drop tab,
 * CR and LF from a URL before reading it (`/\t/evil.example` is `//evil.example`) and treat `\` as
 * `/`, and CR/LF cannot go in a Location header at all: a path with any control character,
 * whitespace or backslash is not followed.
 */
export function safeNext(next: string | undefined): string | undefined {
  if (!next || !next.startsWith('/') || next.length > 2000) return undefined;
  if (/[\u0000-\u0020\u007f-\u00a0\\\u2028\u2029\ufeff]/.test(next)) return undefined;
  if (next.startsWith('//')) return undefined;
  return next;
}
