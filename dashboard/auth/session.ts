// Browser sessions: logging in with a token sets an HttpOnly, SameSite=Strict cookie (Secure under
// TLS) holding a random session id; only its sha256 is stored. The pages' login/logout routes call
// these two helpers.
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Store } from '../store/types.js';

export const SESSION_COOKIE = 'gatehouse_session';

/** Verifies a token and opens a session for it; returns the CSRF token, or undefined when the token is refused. */
export function startSession(c: Context, store: Store, token: string, opts: { tls: boolean }): { csrf: string; tokenId: string } | undefined {
  const t = store.verifyToken(token.trim());
  if (!t) return undefined;
  const s = store.createSession(t.id);
  setCookie(c, SESSION_COOKIE, s.id, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: opts.tls,
    path: '/',
    expires: new Date(s.expiresAt),
  });
  store.addAudit(`token:${t.id} (${t.label})`, 'session.login', { role: t.role });
  return { csrf: s.csrf, tokenId: t.id };
}

export function endSession(c: Context, store: Store): void {
  const id = getCookie(c, SESSION_COOKIE);
  if (id) store.deleteSession(id);
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
}
