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
