// Throttles guessing: failed logins and refused bearer tokens cost a client (by address) one token
// of a bucket; with the bucket empty every credential from that address is answered 429 until it
// refills, right or wrong, so a guesser learns nothing. Successes cost nothing.
import type { Context } from 'hono';
import type { RateLimitOptions } from './rate-limit.js';

export interface FailureThrottle {
  /** Seconds to wait when this client is throttled now, else undefined. */
  blockedFor(key: string, nowMs?: number): number | undefined;
  /** Records one failed attempt. */
  fail(key: string, nowMs?: number): void;
}

/** Default: 20 failures at once, then one every 6 seconds, per client address. */
export const DEFAULT_AUTH_FAILURE_LIMIT: RateLimitOptions = { perMinute: 10, burst: 20 };

/** Buckets kept at most; the oldest are dropped first (a flood of addresses cannot grow memory). */
const MAX_KEYS = 10_000;

export function createFailureThrottle(options: RateLimitOptions = DEFAULT_AUTH_FAILURE_LIMIT): FailureThrottle {
  const capacity = options.burst ?? options.perMinute;
  const refillPerMs = options.perMinute / 60_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  const level = (key: string, nowMs: number) => {
    const b = buckets.get(key);
    if (!b) return capacity;
    return Math.min(capacity, b.tokens + (nowMs - b.at) * refillPerMs);
  };
  return {
    blockedFor(key, nowMs = Date.now()) {
      const tokens = level(key, nowMs);
      if (tokens >= 1) return undefined;
      return Math.max(1, Math.ceil((1 - tokens) / refillPerMs / 1000));
    },
    fail(key, nowMs = Date.now()) {
      const tokens = Math.max(0, level(key, nowMs) - 1);
      buckets.delete(key);
      buckets.set(key, { tokens, at: nowMs });
      if (buckets.size > MAX_KEYS) buckets.delete(buckets.keys().next().value!);
    },
  };
}

/** The client's address as the node server saw it (no proxy header is trusted), or `local`. */
export function clientAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'local';
}
