// The dashboard's one cache: values kept until the data changes. Every entry is stored with the
// data version it shows (one service's, or the global one for many services: store/versions.ts;
// moved by every ingest and triage change, in whichever process makes it), so a hit is never older
// than the data it shows. Concurrent misses of one key share one render.
//
// Users: the overview (the store's heaviest read), JSON bodies of the read API, and the pages
// (viewer-independent content, and the finished gzipped page per viewer). Keys say which is which.
// A value that shows the clock ("5 min ago", SLA breaches) is kept with the instant it was rendered
// at and the first instant it shows otherwise (getUntil, clock-reading.ts), or by period (getAging).

import { MIN_CACHE_BYTES } from './cache-budget.js';

/** How getAging() runs a refresh in the background (the page warmer's queue: when no request is in flight). */
export type Schedule = (key: string, task: () => Promise<unknown>) => void;

/** Default: after the requests already in this turn of the event loop. */
const soon: Schedule = (_key, task) => void setImmediate(() => void task());

export class VersionedCache {
  private readonly entries = new Map<string, { version: number; value: unknown; size: number; period?: number; from?: number; until?: number }>();
  /** Renders in progress, so requests arriving meanwhile wait for the same one. */
  private readonly pending = new Map<string, { version: number; period?: number; from?: number; value: Promise<unknown>; awaited?: boolean }>();
  private bytes = 0;
  private stored = 0;

  /** `maxBytes` counts string length, byte length, or the `size` each get() gives (cache-budget.ts). */
  constructor(private maxBytes = MIN_CACHE_BYTES) {}

  /** A larger budget (work ahead found more services: cache-budget.ts); a smaller one is ignored (it would evict). */
  grow(maxBytes: number): void {
    if (maxBytes > this.maxBytes) this.maxBytes = maxBytes;
  }

  /**
   * The cached value for `key` at data `version`, or renders, stores and returns it. `usable`: a
   * hit at the same version must also pass it (a page rendered too long ago by the clock).
   */
  async get<V>(key: string, version: number, render: () => Promise<V> | V, size: (value: V) => number = defaultSize, usable?: (value: V) => boolean): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.version === version && (!usable || usable(hit.value as V))) {
      // Re-insert: Map order is the LRU order.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value as V;
    }
    const inFlight = this.pending.get(key);
    if (inFlight && inFlight.version >= version) {
      inFlight.awaited = true;
      return inFlight.value as Promise<V>;
    }
    const value = (async () => render())();
    this.pending.set(key, { version, value });
    try {
      const done = await value;
      this.set(key, version, done, size(done));
      return done;
    } finally {
      if (this.pending.get(key)?.value === value) this.pending.delete(key);
    }
  }

  /**
   * For values that also follow the clock (ages, SLA days), cut into periods (e.g. minutes): a
   * value of the same data version from up to `maxLag` periods earlier is returned at once and one
   * render of the current period is scheduled in the background; no request waits for it. Older,
   * or of another data version: rendered before answering, as get(). Data never lags, the clock
   * does, by at most `maxLag` periods.
   */
  async getAging<V>(
    key: string,
    version: number,
    period: number,
    render: () => Promise<V> | V,
    opts: { size?: (value: V) => number; maxLag?: number; schedule?: Schedule } = {},
  ): Promise<V> {
    const size = opts.size ?? defaultSize;
    const hit = this.entries.get(key);
    if (hit && hit.version === version && hit.period !== undefined && hit.period <= period && period - hit.period <= (opts.maxLag ?? 1)) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      if (hit.period < period && !this.pending.has(key)) {
        // A failed refresh is tried again by the next request.
        (opts.schedule ?? soon)(key, () => this.renderPeriod(key, version, period, render, size).catch(() => undefined));
      }
      return hit.value as V;
    }
    return this.renderPeriod(key, version, period, render, size);
  }

  /** The value of `period` at `version`: the entry if it is of that period, else one render shared by all who ask. */
  private async renderPeriod<V>(key: string, version: number, period: number, render: () => Promise<V> | V, size: (value: V) => number): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.version === version && hit.period === period) return hit.value as V;
    const inFlight = this.pending.get(key);
    if (inFlight && inFlight.version >= version && (inFlight.period ?? -Infinity) >= period) {
      inFlight.awaited = true;
      return inFlight.value as Promise<V>;
    }
    const value = (async () => render())();
    this.pending.set(key, { version, period, value });
    try {
      const done = await value;
      const now = this.entries.get(key);
      // A render of a later period or version that ended first is kept.
      if (!now || now.version < version || (now.version === version && (now.period ?? -Infinity) <= period)) this.set(key, version, done, size(done), period);
      return done;
    } finally {
      if (this.pending.get(key)?.value === value) this.pending.delete(key);
    }
  }

  /**
   * For values that show the clock and know until when they stay true (clock-reading.ts): `render`
   * gives the value at instant `at` and the first instant it would show otherwise. A value of the
   * same data version rendered at or before `at` is returned while `at` is before that instant; up
   * to `maxLagMs` after it, it is still returned at once and a render of `at` is scheduled in the
   * background. Later, or of another data version: rendered before answering, as get().
   */
  async getUntil<V>(
    key: string,
    version: number,
    at: number,
    render: () => Promise<{ value: V; validUntil: number }>,
    opts: { size?: (value: V) => number; maxLagMs?: number; schedule?: Schedule } = {},
  ): Promise<V> {
    const size = opts.size ?? defaultSize;
    const hit = this.entries.get(key);
    if (hit && hit.version === version && hit.from !== undefined && hit.from <= at && at < hit.until! + (opts.maxLagMs ?? 0)) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      if (at >= hit.until! && !this.pending.has(key)) {
        // A failed refresh is tried again by the next request.
        (opts.schedule ?? soon)(key, () => this.renderUntil(key, version, at, render, size).catch(() => undefined));
      }
      return hit.value as V;
    }
    return this.renderUntil(key, version, at, render, size);
  }

  /** The value at instant `at` and `version`: the entry if still true then, else one render shared by all who ask. */
  private async renderUntil<V>(key: string, version: number, at: number, render: () => Promise<{ value: V; validUntil: number }>, size: (value: V) => number): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.version === version && hit.from !== undefined && hit.from <= at && at < hit.until!) return hit.value as V;
    // A render in progress started at most a render's time before this ask: its clock is this one's.
    const inFlight = this.pending.get(key);
    if (inFlight && inFlight.version >= version && inFlight.from !== undefined) {
      inFlight.awaited = true;
      return inFlight.value as Promise<V>;
    }
    const done = (async () => render())();
    const value = done.then((d) => d.value);
    // Its failure reaches this caller through `done`; joiners await `value` themselves.
    value.catch(() => undefined);
    this.pending.set(key, { version, from: at, value });
    try {
      const { value: v, validUntil } = await done;
      const now = this.entries.get(key);
      // A render of a later instant or version that ended first is kept.
      if (!now || now.version < version || (now.version === version && (now.from ?? -Infinity) <= at)) this.set(key, version, v, size(v), undefined, { from: at, until: validUntil });
      return v;
    } finally {
      if (this.pending.get(key)?.value === value) this.pending.delete(key);
    }
  }

  /** The cached value at `version` without rendering or touching the LRU order, else undefined. */
  peek<V>(key: string, version: number): V | undefined {
    const hit = this.entries.get(key);
    return hit && hit.version === version ? (hit.value as V) : undefined;
  }

  /** Whether a request waits for the render of `key` in progress (a render ahead then stops yielding). */
  awaited(key: string): boolean {
    return this.pending.get(key)?.awaited === true;
  }

  /** Whether a render of `key` is in progress. */
  rendering(key: string): boolean {
    return this.pending.has(key);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Bytes stored since the start, evicted or not (the page warmer measures its own work with it). */
  get storedBytes(): number {
    return this.stored;
  }

  /** Bytes held now (what the budget bounds). */
  get heldBytes(): number {
    return this.bytes;
  }

  get budgetBytes(): number {
    return this.maxBytes;
  }

  private set(key: string, version: number, value: unknown, size: number, period?: number, clock?: { from: number; until: number }): void {
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.size;
      this.entries.delete(key);
    }
    if (size > this.maxBytes) return;
    this.entries.set(key, { version, value, size, period, ...clock });
    this.bytes += size;
    this.stored += size;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= v.size;
    }
  }
}

function defaultSize(value: unknown): number {
  if (typeof value === 'string' || Buffer.isBuffer(value)) return value.length;
  if (Array.isArray(value)) return value.length * 1024;
  return 1024;
}
