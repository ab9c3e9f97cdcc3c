// Data versions, which read caches key on: one global version (meta 'data_version') that every
// change moves, and one per service (service_versions: the global version its last change got). A
// page or answer showing one service keys on that service's version, so an ingest of service A
// leaves B's cached pages alone in every process; one showing many services keys on the global one.
//
// Writers move both last in their transaction (`VERSION_BUMP_*`). The meta row's lock is held to
// the commit, so versions are handed out in commit order: a reader's one-statement snapshot that
// sees global version G sees every change up to G and none after it. Readers keep every service's
// version in memory and ask only for those that moved since the global version they last saw (one
// small indexed query, nothing when nothing moved).
import type Database from 'better-sqlite3';

/** One row of the versions read: `name` null is the global version. */
export interface VersionRow {
  name: string | null;
  version: number | string;
}

/** The versions read (both backends): the global version and the services that moved after `?`. */
export const VERSIONS_SINCE_SQL = `SELECT NULL AS name, value AS version FROM meta WHERE key = 'data_version'
  UNION ALL
  SELECT s.name, v.version FROM service_versions v JOIN services s ON s.id = v.service_id WHERE v.version > ?`;

/** SQLite: move the global version (first), then set it on each changed service (one row each, `?` = service id). */
const VERSION_BUMP_SQLITE = {
  global: "UPDATE meta SET value = value + 1 WHERE key = 'data_version'",
  service: `INSERT INTO service_versions (service_id, version) VALUES (?, (SELECT value FROM meta WHERE key = 'data_version'))
    ON CONFLICT (service_id) DO UPDATE SET version = excluded.version`,
};

/** SQLite: moves the global version and those of `serviceIds` (inside the caller's transaction). */
export function sqliteVersionBump(db: Database.Database): (serviceIds: Iterable<number>) => void {
  const global = db.prepare(VERSION_BUMP_SQLITE.global);
  const service = db.prepare<[number]>(VERSION_BUMP_SQLITE.service);
  return (serviceIds) => {
    global.run();
    for (const id of new Set(serviceIds)) service.run(id);
  };
}

/**
 * PostgreSQL: the meta row taken ahead of the bump, before a writer recomputes what other writers
 * change too (a service's summary rows, store/summary.ts). A recompute reads a snapshot taken when
 * its statement starts: two writers of one service that both computed it before either committed
 * would each write rows missing the other's change. Holding this lock, a writer's next statement
 * sees every earlier writer's commit. It is the lock the bump takes anyway (same order: no new deadlock).
 */
export const VERSION_LOCK_POSTGRES = "SELECT 1 FROM meta WHERE key = 'data_version' FOR UPDATE";

/**
 * PostgreSQL: both in one statement ($1 = the changed services' ids, may be empty). A data-modifying
 * CTE always runs, so the global version moves even when no service did.
 */
export const VERSION_BUMP_POSTGRES = `WITH g AS (UPDATE meta SET value = value + 1 WHERE key = 'data_version' RETURNING value)
  INSERT INTO service_versions (service_id, version) SELECT DISTINCT u.id, g.value FROM unnest($1::bigint[]) AS u(id), g
  ON CONFLICT (service_id) DO UPDATE SET version = excluded.version`;

/**
 * The versions as this process last read them. `load(since)` runs VERSIONS_SINCE_SQL. With `share`
 * (PostgreSQL), requests asking while a read is in flight share it: they arrived after it was sent,
 * so its answer is at most one round trip older than their own would be; `moved()` (a write of this
 * process committed) starts a new read for the next caller, so a process always reads its own writes.
 * SQLite reads are synchronous and cheap: every call reads.
 */
export class DataVersions {
  private known = -1;
  private readonly services = new Map<string, number>();
  private inFlight: Promise<number> | undefined;
  private readonly listeners: ((names: string[]) => void)[] = [];

  constructor(
    private readonly load: (since: number) => Promise<VersionRow[]> | VersionRow[],
    private readonly share: boolean,
  ) {}

  /** The global version, read now (or by the read in flight). */
  global(): Promise<number> {
    if (!this.share) return this.refresh();
    if (this.inFlight) return this.inFlight;
    const p = this.refresh().finally(() => {
      if (this.inFlight === p) this.inFlight = undefined;
    });
    this.inFlight = p;
    return p;
  }

  /** One service's version; the global version for a name no service has (its creation moves that). */
  async service(name: string): Promise<number> {
    const global = await this.global();
    return this.services.get(name) ?? global;
  }

  /** A write of this process committed: the next caller reads anew (bound: passed around as a callback). */
  readonly moved = (): void => {
    this.inFlight = undefined;
  };

  /** `listener` hears which services moved, each time a read finds some (after the first read). */
  onServicesMoved(listener: (names: string[]) => void): void {
    this.listeners.push(listener);
  }

  private async refresh(): Promise<number> {
    const since = this.known;
    const rows = await this.load(since);
    let global = since;
    const moved: string[] = [];
    for (const r of rows) {
      const v = Number(r.version);
      if (r.name === null) {
        global = v;
        continue;
      }
      // Reads may finish out of order (a write of this process starts a new one): versions only grow.
      if (v > (this.services.get(r.name) ?? -1)) {
        this.services.set(r.name, v);
        moved.push(r.name);
      }
    }
    if (global > this.known) this.known = global;
    if (since >= 0 && moved.length > 0) for (const l of this.listeners) l(moved);
    return global;
  }
}
