// Browser sessions: a token typed into /login becomes a random session id in an HttpOnly,
// SameSite=Strict cookie (Secure under TLS); only its sha256 is stored. `authenticate`
// (auth/principal.ts) turns the cookie into the request's principal for the API and the pages alike.
// Every form POST carries the session's CSRF token in a hidden field and must come from our own origin.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

export const SESSION_COOKIE = 'gatehouse_session';

export interface SessionOptions {
  /** Set Secure on cookies: on under TLS, or behind an HTTPS proxy. */
  secureCookies: boolean;
  /** Origins besides the request's own host allowed to POST forms (the public URL behind a proxy). */
  allowedOrigins: string[];
  now: () => Date;
}

/** The login form's CSRF nonce (double submit), valid for 30 minutes. */
const LOGIN_NONCE_COOKIE = 'gatehouse_login';

/** Whether the request came over TLS (directly, or the URL says so). */
function isSecureRequest(c: Context, opts: SessionOptions): boolean {
  return opts.secureCookies || new URL(c.req.url).protocol === 'https:';
}

/** The session id the browser sent, if any (logout deletes it). */
export function sessionIdOf(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}

export function setSessionCookie(c: Context, opts: SessionOptions, id: string, expiresAt: string): void {
  const secure = isSecureRequest(c, opts);
  const maxAge = Math.max(0, Math.floor((Date.parse(expiresAt) - opts.now().getTime()) / 1000));
  setCookie(c, SESSION_COOKIE, id, {
    path: '/',
    httpOnly: true,
    sameSite: 'Strict',
    secure,
    maxAge,
  });
}

export function clearSessionCookie(c: Context, opts: SessionOptions): void {
  const secure = isSecureRequest(c, opts);
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure });
}

/**
 * The login form has no session yet, so its CSRF token is a random nonce in a short-lived cookie
 * (double submit) — this stops another site from signing a victim in with the attacker's token.
 */
export function issueLoginNonce(c: Context, opts: SessionOptions): string {
  const nonce = randomBytes(24).toString('base64url');
  const secure = isSecureRequest(c, opts);
  setCookie(c, LOGIN_NONCE_COOKIE, nonce, {
    path: '/',
    httpOnly: true,
    sameSite: 'Strict',
    secure,
    maxAge: 30 * 60,
  });
  return nonce;
}

export function readLoginNonce(c: Context): string | undefined {
  return getCookie(c, LOGIN_NONCE_COOKIE);
}

export function clearLoginNonce(c: Context, opts: SessionOptions): void {
  const secure = isSecureRequest(c, opts);
  deleteCookie(c, LOGIN_NONCE_COOKIE, { path: '/', secure });
}

/** Constant-time comparison of two CSRF tokens (false when either is missing). */
export function csrfTokensMatch(expected: string | undefined, given: unknown): boolean {
  if (!expected || typeof given !== 'string' || given.length === 0) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Whether a form POST comes from our own pages. Browsers send Origin on POST; when it is there it
 * must name this host (or an allowed origin). Without Origin, Sec-Fetch-Site (then Referer) decides.
 * A client that sends none of them (curl) is not a browser being tricked; the CSRF token still applies.
 */
export function isSameOriginPost(c: Context, opts: SessionOptions): { ok: true } | { ok: false; reason: string } {
  const host = c.req.header('x-forwarded-host') ?? c.req.header('host') ?? new URL(c.req.url).host;
  const origin = c.req.header('origin');
  const site = c.req.header('sec-fetch-site');
  // Under `Referrer-Policy: no-referrer` (app.ts sends it) browsers send `Origin: null` on form
  // POSTs, even same-origin ones; Sec-Fetch-Site (set by the browser, not by pages) then decides.
  if (origin === 'null' && site !== undefined) {
    return site === 'same-origin' ? { ok: true } : { ok: false, reason: `Sec-Fetch-Site is ${site}` };
  }
  if (origin !== undefined) {
    if (opts.allowedOrigins.includes(origin)) return { ok: true };
    try {
      if (origin !== 'null' && new URL(origin).host === host) return { ok: true };
    } catch {
      // not a URL: rejected below
    }
    return { ok: false, reason: `Origin ${origin} is not this dashboard (${host})` };
  }
  if (site !== undefined) {
    return site === 'same-origin' ? { ok: true } : { ok: false, reason: `Sec-Fetch-Site is ${site}` };
  }
  const referer = c.req.header('referer');
  if (referer !== undefined) {
    try {
      if (new URL(referer).host === host) return { ok: true };
    } catch {
      // fall through
    }
    return { ok: false, reason: 'Referer is not this dashboard' };
  }
  return { ok: true };
}
