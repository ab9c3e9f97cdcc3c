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

/** PostgreSQL's connection exceptions (class 08) and shutdowns in progress (57P01-57P03): the server is not there now. */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123])$/;
/** What Node and pg say when a connection cannot be opened or is lost. */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'SQLITE_BUSY']);

/**
 * Whether an error says the database cannot answer now (its server down, restarting or out of
 * reach, the connection lost; a SQLite file locked beyond the busy timeout): a request meets it
 * through no fault of its own or of the code, and the same request later may succeed. The HTTP app
 * answers 503 with Retry-After (app.ts), not a 500.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
  return /^Connection terminated|timeout exceeded when trying to connect/.test(err.message);
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
