// Rendered page bodies, kept until the data changes. The store's dataVersion() moves on every
// ingest, so a cached body is never older than the data it shows; keys carry the minute, so ages
// ("5 min ago") stay right. The overview of hundreds of services and a year-long chart are the
// heavy pages; a security team reloads them far more often than scans arrive.
//
// routes.tsx keeps two of these: the viewer-independent page content (strings), and the finished,
// gzipped page per viewer (bytes), so a cache hit costs no rendering, no compression and no
// UTF-8 encoding of a half-megabyte string.

export class RenderCache<V extends { length: number } = string> {
  private readonly entries = new Map<string, { version: number; value: V }>();
  /** Renders in progress, so requests arriving meanwhile wait for the same one. */
  private readonly pending = new Map<string, { version: number; value: Promise<V> }>();
  private bytes = 0;

  /** `maxBytes` counts string length (characters) or byte length, whichever `V` has. */
  constructor(private readonly maxBytes = 32 * 1024 * 1024) {}

  /** The cached value for `key` at data `version`, or renders, stores and returns it. */
  async get(key: string, version: number, render: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.version === version) {
      // Re-insert: Map order is the LRU order.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value;
    }
    const inFlight = this.pending.get(key);
    if (inFlight && inFlight.version === version) return inFlight.value;
    const value = render();
    this.pending.set(key, { version, value });
    try {
      const done = await value;
      this.set(key, version, done);
      return done;
    } finally {
      if (this.pending.get(key)?.value === value) this.pending.delete(key);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private set(key: string, version: number, value: V): void {
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.value.length;
      this.entries.delete(key);
    }
    if (value.length > this.maxBytes) return;
    this.entries.set(key, { version, value });
    this.bytes += value.length;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= v.value.length;
    }
  }
}
