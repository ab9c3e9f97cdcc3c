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
