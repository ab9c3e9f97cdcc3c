// Per-key token bucket (per token for ingest): `perMinute` requests a minute, bursts up to `burst`.
// In memory: one dashboard process serves one organisation; a restart forgets the buckets.

export interface RateLimitOptions {
  perMinute: number;
  /** Bucket size; default = perMinute. */
  burst?: number;
}

type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

interface RateLimiter {
  take(key: string, nowMs?: number): RateDecision;
}

export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  const capacity = options.burst ?? options.perMinute;
  const refillPerMs = options.perMinute / 60_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key, nowMs = Date.now()) {
      const b = buckets.get(key) ?? { tokens: capacity, at: nowMs };
      b.tokens = Math.min(capacity, b.tokens + (nowMs - b.at) * refillPerMs);
      b.at = nowMs;
      buckets.set(key, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / refillPerMs / 1000)) };
    },
  };
}
