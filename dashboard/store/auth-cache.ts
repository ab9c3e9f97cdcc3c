// Verified credentials kept for a moment, by both backends' auth.ts: every request is authenticated
// (a bearer token or a session cookie), and reading the credential costs a query per request (a
// round trip on PostgreSQL; on SQLite a read transaction, about 20 µs a statement on a 200 MB file,
// a fifth of a cached page's main-thread time). Only usable credentials are kept, by their sha256;
// expiry is checked again on every use. Revocation and logout in this process drop the entries at
// once; in another process sharing the database, a token revoked or a session ended there is still
// accepted for at most AUTH_CACHE_MS.
import { tokenUsable, type TokenDbRow } from './rows.js';
import type { SessionInfo } from './types.js';

/** How long a verified token or session is trusted without asking the database again. */
export const AUTH_CACHE_MS = 2_000;
const AUTH_CACHE_MAX = 10_000;

/** A session row joined to its token's (the one query both backends read a session with). */
export type SessionRow = TokenDbRow & { session_csrf: string; session_created_at: string; session_expires_at: string };

/** A session is usable while it and its token are (neither expired, the token not revoked). */
export function sessionUsable(r: SessionRow, now: Date): boolean {
  return Date.parse(r.session_expires_at) > now.getTime() && tokenUsable(r, now);
}

export function sessionInfo(r: SessionRow): SessionInfo {
  return { tokenId: r.id, role: r.role, services: JSON.parse(r.services) as string[], label: r.label, csrf: r.session_csrf, createdAt: r.session_created_at, expiresAt: r.session_expires_at };
}

/** Verified credentials by sha256, each with the time it was read. */
export class AuthCache<V> {
  private readonly entries = new Map<string, { at: number; value: V }>();
  /** Reads in flight by sha256, with the generation they began in (lookup). */
  private readonly reading = new Map<string, { generation: number; value: Promise<V | undefined> }>();
  /** Moves on every removal: a lookup that began before one does not keep its answer. */
  generation = 0;

  /**
   * The kept answer for `hash`, or `read`'s (kept when `keep` says it is usable). Lookups that miss
   * while a read of the same credential is in flight share it, unless a removal came since it began:
   * when an entry runs out under load, every request in flight carries that credential, and each
   * read its row again (PostgreSQL: 32 connections, 32 round trips through the pool at once every
   * AUTH_CACHE_MS, where one does).
   */
  async lookup(hash: string, read: () => Promise<V | undefined>, keep: (value: V) => boolean): Promise<V | undefined> {
    const kept = this.get(hash);
    if (kept) return kept;
    const generation = this.generation;
    const inFlight = this.reading.get(hash);
    if (inFlight && inFlight.generation === generation) return inFlight.value;
    const entry = { generation, value: read() };
    this.reading.set(hash, entry);
    try {
      const value = await entry.value;
      if (value && keep(value)) this.set(hash, value, generation);
      return value;
    } finally {
      if (this.reading.get(hash) === entry) this.reading.delete(hash);
    }
  }
  get(hash: string): V | undefined {
    const e = this.entries.get(hash);
    if (!e) return undefined;
    if (Date.now() - e.at > AUTH_CACHE_MS) {
      this.entries.delete(hash);
      return undefined;
    }
    return e.value;
  }
  set(hash: string, value: V, generation: number): void {
    if (generation !== this.generation) return;
    if (this.entries.size >= AUTH_CACHE_MAX) this.entries.clear();
    this.entries.set(hash, { at: Date.now(), value });
  }
  delete(hash: string): void {
    this.generation++;
    this.entries.delete(hash);
  }
  deleteWhere(test: (value: V) => boolean): void {
    this.generation++;
    for (const [k, e] of this.entries) if (test(e.value)) this.entries.delete(k);
  }
}
