// GitHub's secondary rate limit on content-creating requests: at most 80 per minute (and 500 per
// hour) per token; crossing it answers 403/429 and may block the token for a while. The action's
// writes (comment, artifacts, ...) take a slot from this budget first, waiting for the oldest write
// to leave the one-minute window when all 80 are used: paced by budget, not by luck.
export const CONTENT_REQUESTS_PER_MINUTE = 80;
export const CONTENT_REQUESTS_PER_HOUR = 500;

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class ContentRequestBudget {
  /** Send times within the last hour (what the windows look at). */
  private readonly sent: number[] = [];
  private readonly all: number[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly clock: Clock = realClock,
    private readonly windows: { ms: number; limit: number }[] = [
      { ms: 60_000, limit: CONTENT_REQUESTS_PER_MINUTE },
      { ms: 3_600_000, limit: CONTENT_REQUESTS_PER_HOUR },
    ],
  ) {}

  /** Resolves when one more content-creating request may be sent (in call order). */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.waitForSlot());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Send times of the requests so far (for tests and logs). */
  get history(): readonly number[] {
    return this.all;
  }

  private async waitForSlot(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      let wait = 0;
      for (const w of this.windows) {
        const inWindow = this.sent.filter((t) => t > now - w.ms);
        if (inWindow.length >= w.limit) wait = Math.max(wait, inWindow[inWindow.length - w.limit] + w.ms - now + 1);
      }
      if (wait <= 0) {
        this.sent.push(now);
        this.all.push(now);
        // Only the last hour matters.
        while (this.sent.length > 0 && this.sent[0] <= now - 3_600_000) this.sent.shift();
        return;
      }
      await this.clock.sleep(wait);
    }
  }
}
