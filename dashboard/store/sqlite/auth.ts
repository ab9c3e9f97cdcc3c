// SQLite tokens, sessions and audit log. Tokens and session ids are stored as sha256 only. A
// session is read with its token in one statement and kept for AUTH_CACHE_MS (auth-cache.ts), as
// on PostgreSQL: every page request reads it, and two statements (a read transaction each) were a
// fifth of a cached page's main-thread time. A verified token is kept the same way: every API
// request carries one, and its statement was about a fifth of a cached answer's CPU (~0.1 ms of
// ~0.45 in-process, 500 x 365 file, a loaded machine).
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import {
  DEFAULT_SESSION_TTL_MS,
  iso,
  LAST_USED_RESOLUTION_MS,
  sha256Hex,
  TOKEN_PREFIX,
  tokenInfo,
  tokenServices,
  tokenUsable,
  type TokenDbRow,
} from '../rows.js';
import type { AuditEntry, AuthStore, SessionInfo } from '../types.js';
import { AuthCache, sessionInfo, sessionUsable, type SessionRow } from '../auth-cache.js';

/** One audit row (at, actor, action, detail JSON): addAudit's, and an ingest's own in its transaction (sqlite/ingest.ts). */
export const AUDIT_INSERT_SQL = 'INSERT INTO audit (at, actor, action, detail) VALUES (?, ?, ?, ?)';

export function createSqliteAuth(db: Database.Database, sessionTtlMs = DEFAULT_SESSION_TTL_MS): AuthStore {
  const q = {
    insertToken: db.prepare(
      `INSERT INTO tokens (id, hash, role, services, label, created_at, expires_at)
       VALUES (@id, @hash, @role, @services, @label, @createdAt, @expiresAt)`,
    ),
    allTokens: db.prepare<[], TokenDbRow>('SELECT * FROM tokens ORDER BY created_at DESC, id'),
    tokenByHash: db.prepare<[string], TokenDbRow>('SELECT * FROM tokens WHERE hash = ?'),
    tokenById: db.prepare<[string], TokenDbRow>('SELECT * FROM tokens WHERE id = ?'),
    revokeToken: db.prepare<[string, string]>('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    deleteSessionsOfToken: db.prepare<[string]>('DELETE FROM sessions WHERE token_id = ?'),
    touchToken: db.prepare<[string, string]>('UPDATE tokens SET last_used_at = ? WHERE id = ?'),
    adminTokens: db.prepare<[], Pick<TokenDbRow, 'revoked_at' | 'expires_at'>>("SELECT revoked_at, expires_at FROM tokens WHERE role = 'admin' AND revoked_at IS NULL"),
    insertSession: db.prepare<[string, string, string, string, string]>(
      'INSERT INTO sessions (hash, token_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
    ),
    sessionByHash: db.prepare<[string], SessionRow>(
      `SELECT t.*, s.csrf AS session_csrf, s.created_at AS session_created_at, s.expires_at AS session_expires_at
       FROM sessions s JOIN tokens t ON t.id = s.token_id WHERE s.hash = ?`,
    ),
    deleteSession: db.prepare<[string]>('DELETE FROM sessions WHERE hash = ?'),
    deleteExpiredSessions: db.prepare<[string]>('DELETE FROM sessions WHERE expires_at <= ?'),
    insertAudit: db.prepare<[string, string, string, string]>(AUDIT_INSERT_SQL),
    listAudit: db.prepare<[number], { id: number; at: string; actor: string; action: string; detail: string }>(
      'SELECT * FROM audit ORDER BY id DESC LIMIT ?',
    ),
    // One action (`triage.set`) or a family (`triage`: `triage.*`); substr, not LIKE, so no wildcard in the value counts.
    listAuditOf: db.prepare<{ action: string; limit: number }, { id: number; at: string; actor: string; action: string; detail: string }>(
      "SELECT * FROM audit WHERE action = @action OR substr(action, 1, length(@action) + 1) = @action || '.' ORDER BY id DESC LIMIT @limit",
    ),
  };
  const sessions = new AuthCache<SessionRow>();
  const tokens = new AuthCache<TokenDbRow>();
  const revoke = db.transaction((id: string, at: string) => {
    const changed = q.revokeToken.run(at, id).changes > 0;
    if (changed) q.deleteSessionsOfToken.run(id);
    return changed;
  });

  return {
    async createToken(input, now = new Date()) {
      const id = `tok_${randomBytes(6).toString('hex')}`;
      const token = input.value ?? `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
      q.insertToken.run({
        id,
        hash: sha256Hex(token),
        role: input.role,
        services: tokenServices(input.role, input.services),
        label: input.label,
        createdAt: now.toISOString(),
        expiresAt: input.expiresAt ? iso(input.expiresAt) : null,
      });
      return { id, token };
    },

    async listTokens() {
      return q.allTokens.all().map(tokenInfo);
    },

    async revokeToken(id, now = new Date()) {
      const changed = revoke(id, now.toISOString());
      tokens.deleteWhere((t) => t.id === id);
      sessions.deleteWhere((r) => r.id === id);
      return changed;
    },

    async verifyToken(token, now = new Date()) {
      const hash = sha256Hex(token);
      let r = tokens.get(hash);
      if (!r) {
        r = q.tokenByHash.get(hash);
        if (r && tokenUsable(r, now)) tokens.set(hash, r, tokens.generation);
      }
      if (!r || !tokenUsable(r, now)) return undefined;
      if (!r.last_used_at || now.getTime() - Date.parse(r.last_used_at) > LAST_USED_RESOLUTION_MS) {
        q.touchToken.run(now.toISOString(), r.id);
        r.last_used_at = now.toISOString();
      }
      return tokenInfo(r);
    },

    async hasActiveAdmin(now = new Date()) {
      return q.adminTokens.all().some((t) => tokenUsable(t, now));
    },

    async createSession(tokenId, now = new Date()) {
      const t = q.tokenById.get(tokenId);
      if (!t || !tokenUsable(t, now)) throw new Error(`cannot open a session for token ${tokenId}: unknown, revoked or expired`);
      q.deleteExpiredSessions.run(now.toISOString());
      const id = randomBytes(32).toString('base64url');
      const csrf = randomBytes(32).toString('base64url');
      let expiresAt = new Date(now.getTime() + sessionTtlMs).toISOString();
      // A session never outlives its token.
      if (t.expires_at && t.expires_at < expiresAt) expiresAt = t.expires_at;
      q.insertSession.run(sha256Hex(id), tokenId, csrf, now.toISOString(), expiresAt);
      return { id, csrf, expiresAt };
    },

    async getSession(id, now = new Date()): Promise<SessionInfo | undefined> {
      const hash = sha256Hex(id);
      let r = sessions.get(hash);
      if (!r) {
        r = q.sessionByHash.get(hash);
        if (r && sessionUsable(r, now)) sessions.set(hash, r, sessions.generation);
      }
      return r && sessionUsable(r, now) ? sessionInfo(r) : undefined;
    },

    async deleteSession(id) {
      const hash = sha256Hex(id);
      q.deleteSession.run(hash);
      sessions.delete(hash);
    },

    async addAudit(actor, action, detail, now = new Date()) {
      q.insertAudit.run(now.toISOString(), actor, action, JSON.stringify(detail));
    },

    async listAudit(limit, action): Promise<AuditEntry[]> {
      return (action === undefined ? q.listAudit.all(limit) : q.listAuditOf.all({ action, limit })).map((r) => ({ id: r.id, at: r.at, actor: r.actor, action: r.action, detail: JSON.parse(r.detail) as Record<string, unknown> }));
    },
  };
}
