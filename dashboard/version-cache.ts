// The dashboard's one cache: values kept until the data changes. Every entry is stored with the
// data version it shows (one service's, or the global one for many services: store/versions.ts;
// moved by every ingest and triage change, in whichever process makes it), so a hit is never older
// than the data it shows. Concurrent misses of one key share one render.
//
// Users: the overview (the store's heaviest read), JSON bodies of the read API, and the pages
// (viewer-independent content, and the finished gzipped page per viewer). Keys say which is which
// and carry the minute when the value shows ages ("5 min ago").

export class VersionedCache {
  private readonly entries = new Map<string, { version: number; value: unknown; size: number }>();
  /** Renders in progress, so requests arriving meanwhile wait for the same one. */
  private readonly pending = new Map<string, { version: number; value: Promise<unknown> }>();
  private bytes = 0;

  /** `maxBytes` counts string length, byte length, or the `size` each get() gives. */
  constructor(private readonly maxBytes = 48 * 1024 * 1024) {}

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
    if (inFlight && inFlight.version >= version) return inFlight.value as Promise<V>;
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

  /** The cached value at `version` without rendering or touching the LRU order, else undefined. */
  peek<V>(key: string, version: number): V | undefined {
    const hit = this.entries.get(key);
    return hit && hit.version === version ? (hit.value as V) : undefined;
  }

  /** Whether a render of `key` is in progress. */
  rendering(key: string): boolean {
    return this.pending.has(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private set(key: string, version: number, value: unknown, size: number): void {
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.size;
      this.entries.delete(key);
    }
    if (size > this.maxBytes) return;
    this.entries.set(key, { version, value, size });
    this.bytes += size;
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
