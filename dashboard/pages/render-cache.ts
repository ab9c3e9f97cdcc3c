// Rendered page bodies, kept until the data changes. The store's dataVersion() moves on every
// ingest, so a cached body is never older than the data it shows; keys carry the minute, so ages
// ("5 min ago") stay right. The overview of hundreds of services and a year-long chart are the
// heavy pages; a security team reloads them far more often than scans arrive.

export class RenderCache {
  private readonly entries = new Map<string, { version: number; html: string }>();
  private bytes = 0;

  constructor(private readonly maxBytes = 32 * 1024 * 1024) {}

  /** The cached body for `key` at data `version`, or renders, stores and returns it. */
  async get(key: string, version: number, render: () => Promise<string>): Promise<string> {
    const hit = this.entries.get(key);
    if (hit && hit.version === version) {
      // Re-insert: Map order is the LRU order.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.html;
    }
    const html = await render();
    this.set(key, version, html);
    return html;
  }

  get size(): number {
    return this.entries.size;
  }

  private set(key: string, version: number, html: string): void {
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.html.length;
      this.entries.delete(key);
    }
    if (html.length > this.maxBytes) return;
    this.entries.set(key, { version, html });
    this.bytes += html.length;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= v.html.length;
    }
  }
}
