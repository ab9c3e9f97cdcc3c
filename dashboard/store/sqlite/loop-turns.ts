// SQLite answers synchronously: while a statement runs, the event loop (every request in flight)
// waits. A read of many rows is taken in slices with a turn of the loop between them, so a request
// arriving meanwhile waits for one slice, not for the whole read (the overview's remediation trend
// at 500 services x 365 days: ~0.5 s in one piece). A change committed between two slices may show
// in the later ones: the answer is cached under the data version read before the read began
// (version-cache.ts), so every reader at the newer version reads anew, as PostgreSQL's reads on
// several connections at once already do.

/** How long the store's reads in slices hold the event loop before they let it turn (ms). */
const READ_SLICE_MS = 6;

/**
 * The turns of the event loop the store's reads in slices take. One waiter resumes per turn, first
 * come first served: reads started together (the week's four, by Promise.all) take turns, where
 * setImmediate alone would run all their slices in one turn (immediates queued together run together).
 */
export class LoopTurns {
  private readonly waiting: (() => void)[] = [];
  private scheduled = false;
  /** When the running slice began (a turn of ours resumed it). */
  private sliceStart = -Infinity;

  /** `sliceMs` 0: a turn at every pause (tests). */
  constructor(private readonly sliceMs = READ_SLICE_MS) {}

  /**
   * Between two parts of a read: a turn of the event loop once the running slice held it `sliceMs`,
   * else at once. A read's first pause (before its first statement) takes a turn unless a slice of
   * ours just began: the work that started the read may have held the loop already.
   */
  pause(): Promise<void> | undefined {
    return performance.now() - this.sliceStart < this.sliceMs ? undefined : this.turn();
  }

  /** Resolves in a turn of the event loop of its own, after the waiters before it. */
  turn(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const resume = this.waiting.shift();
      // The next waiter in the next turn (an immediate queued now runs after the loop polled its sockets).
      if (this.waiting.length > 0) this.schedule();
      this.sliceStart = performance.now();
      resume?.();
    });
  }
}
