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

/**
 * A piece several entries may hold, the same object in each (a service page's head, scans, chart
 * and rows in an order are in every view of it, and in their own entries).
 */
export interface SharedPiece {
  readonly deflated: Uint8Array;
}

/** What a shared piece is counted for: its bytes and its object's overhead. */
export const sharedPieceBytes = (piece: SharedPiece) => piece.deflated.length + 100;

/**
 * What an entry holds, for the budget: its `own` bytes, and `shared` pieces it may hold in common
 * with other entries. A shared piece counts once, from the first entry holding it that is stored
 * until the last one is dropped: what the cache counts is what it holds (a view of a service page
 * counted the head, chart and rows it shares with the default view again: ~14 KB for ~2 KB).
 */
export interface Footprint {
  own: number;
  shared: readonly SharedPiece[];
}

const NONE_SHARED: readonly SharedPiece[] = [];

/** How getAging() runs a refresh in the background (the page warmer's queue: when no request is in flight). */
export type Schedule = (key: string, task: () => Promise<unknown>) => void;

/** Default: after the requests already in this turn of the event loop. */
const soon: Schedule = (_key, task) => void setImmediate(() => void task());

export class VersionedCache {
  private readonly entries = new Map<string, Entry>();
  /** Each shared piece some entry holds: how many entries hold it, and the bytes counted for it. */
  private readonly pieces = new Map<SharedPiece, { holders: number; bytes: number }>();
  /** Renders in progress, so requests arriving meanwhile wait for the same one. */
  private readonly pending = new Map<string, { version: number; period?: number; from?: number; value: Promise<unknown>; awaited?: boolean }>();
  private bytes = 0;
  private stored = 0;

  /** `maxBytes` counts string length, byte length, or the `size` each get() gives, a number or a Footprint (cache-budget.ts). */
  constructor(private maxBytes = MIN_CACHE_BYTES) {}

  /** A larger budget (work ahead found more services: cache-budget.ts); a smaller one is ignored (it would evict). */
  grow(maxBytes: number): void {
    if (maxBytes > this.maxBytes) this.maxBytes = maxBytes;
  }

  /**
   * The cached value for `key` at data `version`, or renders, stores and returns it. `usable`: a
   * hit at the same version must also pass it (a page rendered too long ago by the clock).
   */
  async get<V>(key: string, version: number, render: () => Promise<V> | V, size: (value: V) => Measure = defaultSize, usable?: (value: V) => boolean): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.version === version && (!usable || usable(hit.value as V))) {
      this.toLruEnd(key, hit);
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
    opts: { size?: (value: V) => Measure; maxLag?: number; schedule?: Schedule } = {},
  ): Promise<V> {
    const size = opts.size ?? defaultSize;
    const hit = this.entries.get(key);
    if (hit && hit.version === version && hit.period !== undefined && hit.period <= period && period - hit.period <= (opts.maxLag ?? 1)) {
      this.toLruEnd(key, hit);
      if (hit.period < period && !this.pending.has(key)) {
        // A failed refresh is tried again by the next request.
        (opts.schedule ?? soon)(key, () => this.renderPeriod(key, version, period, render, size).catch(() => undefined));
      }
      return hit.value as V;
    }
    return this.renderPeriod(key, version, period, render, size);
  }

  /** The value of `period` at `version`: the entry if it is of that period, else one render shared by all who ask. */
  private async renderPeriod<V>(key: string, version: number, period: number, render: () => Promise<V> | V, size: (value: V) => Measure): Promise<V> {
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
    opts: { size?: (value: V) => Measure; maxLagMs?: number; schedule?: Schedule } = {},
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
  private async renderUntil<V>(key: string, version: number, at: number, render: () => Promise<{ value: V; validUntil: number }>, size: (value: V) => Measure): Promise<V> {
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

  /**
   * The cached value for `key` at data `version` as of instant `at` (ms), without rendering: a value
   * kept by get(), or one kept by getUntil() that is still true at `at` (then with the first instant
   * it shows otherwise). A value kept by period (getAging) is not given. `touch`: a value given is
   * moved to the LRU's end, as a hit is (what answers are cut from is used by them, never hit itself).
   */
  peekAt<V>(key: string, version: number, at?: number, touch = false): { value: V; until?: number } | undefined {
    const hit = this.entries.get(key);
    if (!hit || hit.version !== version || hit.period !== undefined) return undefined;
    const given = hit.until === undefined ? { value: hit.value as V } : at !== undefined && hit.from! <= at && at < hit.until ? { value: hit.value as V, until: hit.until } : undefined;
    if (given && touch) this.toLruEnd(key, hit);
    return given;
  }

  /**
   * The value kept for `key` at whichever data version it was kept: a hint of what the current
   * version's will be like (never an answer: the data may have changed since).
   */
  peekAnyVersion<V>(key: string): V | undefined {
    return this.entries.get(key)?.value as V | undefined;
  }

  /** Re-inserts a hit: Map order is the LRU order. */
  private toLruEnd(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
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

  /** Bytes held now (what the budget bounds): each entry's own, and each shared piece once. */
  get heldBytes(): number {
    return this.bytes;
  }

  get budgetBytes(): number {
    return this.maxBytes;
  }

  private set(key: string, version: number, value: unknown, measure: Measure, period?: number, clock?: { from: number; until: number }): void {
    const { own, shared } = typeof measure === 'number' ? { own: measure, shared: NONE_SHARED } : measure;
    const old = this.entries.get(key);
    this.entries.delete(key);
    // The new entry holds its pieces before the old one lets go of them: pieces both hold stay counted once.
    const adds = own + this.unheldBytes(shared);
    if (adds <= this.maxBytes) {
      this.entries.set(key, { version, value, own, shared, period, ...clock });
      this.bytes += own;
      this.hold(shared);
      this.stored += adds;
    }
    if (old) this.release(old);
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.release(v);
    }
  }

  /** The bytes `shared` would add: its distinct pieces no entry holds yet. */
  private unheldBytes(shared: readonly SharedPiece[]): number {
    let n = 0;
    for (const p of new Set(shared)) if (!this.pieces.has(p)) n += sharedPieceBytes(p);
    return n;
  }

  private hold(shared: readonly SharedPiece[]): void {
    for (const p of new Set(shared)) {
      const held = this.pieces.get(p);
      if (held) held.holders += 1;
      else {
        const bytes = sharedPieceBytes(p);
        this.pieces.set(p, { holders: 1, bytes });
        this.bytes += bytes;
      }
    }
  }

  /** An entry dropped (evicted or replaced): its own bytes, and the pieces no other entry holds. */
  private release(entry: Entry): void {
    this.bytes -= entry.own;
    for (const p of new Set(entry.shared)) {
      const held = this.pieces.get(p)!;
      if (--held.holders > 0) continue;
      this.pieces.delete(p);
      this.bytes -= held.bytes;
    }
  }
}

/** An entry's size: its bytes, or what it holds alone and in common with others. */
type Measure = number | Footprint;

interface Entry {
  version: number;
  value: unknown;
  /** Bytes counted for this entry alone (its shared pieces are counted in `pieces`). */
  own: number;
  shared: readonly SharedPiece[];
  period?: number;
  from?: number;
  until?: number;
}

function defaultSize(value: unknown): number {
  if (typeof value === 'string' || Buffer.isBuffer(value)) return value.length;
  if (Array.isArray(value)) return value.length * 1024;
  return 1024;
}
