/** A feed (KEV, EPSS) that could not be read or used. Never fails a scan by itself: it becomes a note. */
export class FeedError extends Error {
  override name = 'FeedError';
  constructor(
    readonly feed: 'kev' | 'epss',
    /** The file or URL. */
    readonly source: string,
    readonly reason: string,
  ) {
    super(`${feed === 'kev' ? 'KEV catalog' : 'EPSS scores'} ${source}: ${reason}`);
  }
}
