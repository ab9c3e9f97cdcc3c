// Typed store errors: what a person starting or migrating a dashboard needs to act on.

/** The database was migrated by a newer Gatehouse: this one must not write to it. */
export class StoreVersionError extends Error {
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(`database schema version ${found} is newer than this Gatehouse (${known}); upgrade Gatehouse`);
    this.name = 'StoreVersionError';
  }
}

/** The database could not be reached or refused us; the message never carries a password. */
export class StoreConnectionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreConnectionError';
  }
}

/**
 * PostgreSQL's codes for a server that is not there for us now: connection exceptions (class 08, not
 * 08P01, a protocol violation: a bug), shutdowns in progress and an idle session ended (57P01-57P03,
 * 57P05), too many connections (53300), and a read-only transaction (25006: a standby after a
 * failover, until the address points at the new primary).
 */
const UNAVAILABLE_SQLSTATES = new Set(['08000', '08001', '08003', '08004', '08006', '57P01', '57P02', '57P03', '57P05', '53300', '25006']);
/** What Node says when a connection cannot be opened or is lost. */
const UNAVAILABLE_NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);

/**
 * Whether an error says the database cannot answer now (its server down, restarting or out of
 * reach, the connection lost; a SQLite file locked beyond the busy timeout): a request meets it
 * through no fault of its own or of the code, and the same request later may succeed. The HTTP app
 * answers 503 with Retry-After (app.ts), not a 500. A request body the client stopped sending
 * (Node's "aborted", also ECONNRESET) is the client's doing, not the database's.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('SQLITE_BUSY')) return true;
    if (UNAVAILABLE_NET_CODES.has(code)) return err.message !== 'aborted';
  }
  return /^Connection terminated|timeout exceeded when trying to connect/.test(err.message);
}

/** What the driver said of a database error, for a log line: its code, else its message. */
export function databaseProblem(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return err instanceof Error ? err.message : String(err);
}

/**
 * An ingest whose `source.repository` is not the repository of the service's scans: services are
 * keyed by name alone, so taking it would let one repository's snapshot mark another repository's
 * findings fixed (every repository has a "(root)"). Nothing of the report is stored.
 */
export class RepositoryMismatchError extends Error {
  readonly field = 'source.repository';
  constructor(
    readonly service: string,
    /** The repository of the service's latest scan that names one. */
    readonly existing: string,
    readonly incoming: string,
  ) {
    super(
      `source.repository "${incoming}" is not the repository of service "${service}" ("${existing}"); nothing was stored. ` +
        `Give the service a name unique in the organisation (the config's services[].name), or, if "${existing}" was renamed or moved to "${incoming}", ` +
        'push with --move-repository (API: POST /api/v1/scans?moveRepository=true)',
    );
    this.name = 'RepositoryMismatchError';
  }
}
