/** A bad flag or argument of the command line: exit 2 with one line naming it and the usage hint. */
export class UsageError extends Error {
  override name = 'UsageError';
}
