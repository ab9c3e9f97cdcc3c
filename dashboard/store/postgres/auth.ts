// PostgreSQL tokens, sessions and audit log: the same rules as sqlite/auth.ts.
//
// Every request is authenticated (a bearer token or a session cookie), so the lookup is one query
// (a session joined to its token) and its answer is kept for AUTH_CACHE_MS (auth-cache.ts): a
// dashboard under load would otherwise spend a round trip per request on it.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { DEFAULT_SESSION_TTL_MS, iso, LAST_USED_RESOLUTION_MS, sha256Hex, TOKEN_PREFIX, tokenInfo, tokenServices, tokenUsable, type TokenDbRow } from '../rows.js';
import type { AuthStore, SessionInfo } from '../types.js';
import { AuthCache, sessionInfo, sessionUsable, type SessionRow } from '../auth-cache.js';

export function createPostgresAuth(pool: pg.Pool, sessionTtlMs = DEFAULT_SESSION_TTL_MS): AuthStore {
  const rows = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> => (await pool.query<T>(sql, params)).rows;
  const tokenById = async (id: string) => (await rows<TokenDbRow>('SELECT * FROM tokens WHERE id = $1', [id]))[0];
  const tokens = new AuthCache<TokenDbRow>();
  const sessions = new AuthCache<SessionRow>();

  return {
    async createToken(input, now = new Date()) {
      const id = `tok_${randomBytes(6).toString('hex')}`;
      const token = input.value ?? `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
      await pool.query('INSERT INTO tokens (id, hash, role, services, label, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        id,
        sha256Hex(token),
        input.role,
        tokenServices(input.role, input.services),
        input.label,
        now.toISOString(),
        input.expiresAt ? iso(input.expiresAt) : null,
      ]);
      return { id, token };
    },

    async listTokens() {
      return (await rows<TokenDbRow>('SELECT * FROM tokens ORDER BY created_at DESC, id')).map(tokenInfo);
    },

    async revokeToken(id, now = new Date()) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const changed = ((await client.query('UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [now.toISOString(), id])).rowCount ?? 0) > 0;
        if (changed) await client.query('DELETE FROM sessions WHERE token_id = $1', [id]);
        await client.query('COMMIT');
        tokens.deleteWhere((t) => t.id === id);
        sessions.deleteWhere((r) => r.id === id);
        return changed;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },

    async verifyToken(token, now = new Date()) {
      const hash = sha256Hex(token);
      const r = await tokens.lookup(hash, async () => (await pool.query<TokenDbRow>('SELECT * FROM tokens WHERE hash = $1', [hash])).rows[0], (t) => tokenUsable(t, now));
      if (!r || !tokenUsable(r, now)) return undefined;
      if (!r.last_used_at || now.getTime() - Date.parse(r.last_used_at) > LAST_USED_RESOLUTION_MS) {
        // Noted before the write: the requests in flight with the same (shared) row write it once.
        const previous = r.last_used_at;
        r.last_used_at = now.toISOString();
        try {
          await pool.query('UPDATE tokens SET last_used_at = $1 WHERE id = $2', [r.last_used_at, r.id]);
        } catch (err) {
          r.last_used_at = previous;
          throw err;
        }
      }
      return tokenInfo(r);
    },

    async hasActiveAdmin(now = new Date()) {
      return (await rows<Pick<TokenDbRow, 'revoked_at' | 'expires_at'>>("SELECT revoked_at, expires_at FROM tokens WHERE role = 'admin' AND revoked_at IS NULL")).some((t) => tokenUsable(t, now));
    },

    async createSession(tokenId, now = new Date()) {
      const t = await tokenById(tokenId);
      if (!t || !tokenUsable(t, now)) throw new Error(`cannot open a session for token ${tokenId}: unknown, revoked or expired`);
      await pool.query('DELETE FROM sessions WHERE expires_at <= $1', [now.toISOString()]);
      const id = randomBytes(32).toString('base64url');
      const csrf = randomBytes(32).toString('base64url');
      let expiresAt = new Date(now.getTime() + sessionTtlMs).toISOString();
      // A session never outlives its token.
      if (t.expires_at && t.expires_at < expiresAt) expiresAt = t.expires_at;
      await pool.query('INSERT INTO sessions (hash, token_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)', [sha256Hex(id), tokenId, csrf, now.toISOString(), expiresAt]);
      return { id, csrf, expiresAt };
    },

    async getSession(id, now = new Date()): Promise<SessionInfo | undefined> {
      const hash = sha256Hex(id);
      const read = async () =>
        (
          await pool.query<SessionRow>(
            `SELECT t.*, s.csrf AS session_csrf, s.created_at AS session_created_at, s.expires_at AS session_expires_at
             FROM sessions s JOIN tokens t ON t.id = s.token_id WHERE s.hash = $1`,
            [hash],
          )
        ).rows[0];
      const r = await sessions.lookup(hash, read, (row) => sessionUsable(row, now));
      return r && sessionUsable(r, now) ? sessionInfo(r) : undefined;
    },

    async deleteSession(id) {
      sessions.delete(sha256Hex(id));
      await pool.query('DELETE FROM sessions WHERE hash = $1', [sha256Hex(id)]);
      sessions.delete(sha256Hex(id));
    },

    async addAudit(actor, action, detail, now = new Date()) {
      await pool.query('INSERT INTO audit (at, actor, action, detail) VALUES ($1, $2, $3, $4)', [now.toISOString(), actor, action, JSON.stringify(detail)]);
    },

    async listAudit(limit, action) {
      const found =
        action === undefined
          ? await rows<{ id: string; at: string; actor: string; action: string; detail: string }>('SELECT * FROM audit ORDER BY id DESC LIMIT $1', [limit])
          : await rows<{ id: string; at: string; actor: string; action: string; detail: string }>(
              "SELECT * FROM audit WHERE action = $2 OR left(action, length($2) + 1) = $2 || '.' ORDER BY id DESC LIMIT $1",
              [limit, action],
            );
      return found.map((r) => ({
        id: Number(r.id),
        at: r.at,
        actor: r.actor,
        action: r.action,
        detail: JSON.parse(r.detail) as Record<string, unknown>,
      }));
    },
  };
}
