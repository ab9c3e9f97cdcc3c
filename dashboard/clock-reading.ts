// The clock a render reads, and until when what it shows stays true. A page or an answer with ages
// ("5 min ago", ageDays, SLA breaches, "today" windows) is a function of its data and of the instant
// it is rendered at; each rule that turns the instant into text or a value notes the next instant
// at which its output changes (noteChange), so the cache keeps the render until the earliest one.
//
// The reading is the Date every read and format already takes (`now`), one per render: a Date
// subclass, so the instant reaches every rule through the signatures it already has, and nothing is
// shared between concurrent renders. A plain Date (a caller not tracking) is read as before.

const MINUTE_MS = 60_000;

/**
 * How long after its last instant a kept page or answer may still be served while the one of now is
 * rendered in the background (no request waits for the clock; data never lags: a new data version
 * is always rendered before it is served).
 */
export const CLOCK_LAG_MS = 5 * MINUTE_MS;
const DAY_MS = 86_400_000;

export class ClockReading extends Date {
  #until = Infinity;
  /** Whether a value read the clock under the minute rule (noteMinute): validUntil is then a bound, not the exact instant. */
  byMinute = false;

  /** The first instant at which something rendered with this reading shows otherwise (Infinity: never by the clock). */
  get validUntil(): number {
    return this.#until;
  }

  /** A rule's output changes at `instant` (ms). One at or before the reading itself keeps the render for this millisecond only. */
  changesAt(instant: number): void {
    const t = this.getTime();
    const at = Number.isNaN(instant) ? t + 1 : Math.max(instant, t + 1);
    if (at < this.#until) this.#until = at;
  }
}

/** A reading of `at` that collects when its render changes. */
export function readClock(at: Date | number): ClockReading {
  return new ClockReading(typeof at === 'number' ? at : at.getTime());
}

/** Tells the reading behind `now` (if any) that a value read from it changes at `instant`. */
export function noteChange(now: Date, instant: number): void {
  if (now instanceof ClockReading) now.changesAt(instant);
}

/**
 * The minute rule, for a value that follows the clock at a finer grain than is worth tracking (or
 * whose instants the render does not see): good until the next minute of the clock.
 */
export function noteMinute(now: Date): void {
  if (now instanceof ClockReading) now.byMinute = true;
  noteChange(now, nextMinute(now.getTime()));
}

export function nextMinute(t: number): number {
  return (Math.floor(t / MINUTE_MS) + 1) * MINUTE_MS;
}

/** The next UTC midnight after `t`: when "today" (windows ending today, KEV due days) moves. */
export function nextDayTurn(t: number): number {
  return (Math.floor(t / DAY_MS) + 1) * DAY_MS;
}

/**
 * The first instant after `t` at which `valueAt` differs from its value at `t`, for a step function
 * of time that only moves forward (an age, a rounded day count), given a `guess` near that instant.
 * Floating point makes a computed boundary off by a millisecond either way; this walks the guess to
 * the exact one by evaluating the rule itself.
 */
export function firstChangeAfter<T>(t: number, valueAt: (ms: number) => T, guess: number): number {
  const current = valueAt(t);
  let at = Math.max(Math.ceil(guess), t + 1);
  // Back while the instant before still differs (the guess was late), forward while it does not
  // (early). A guess more than a second off is a broken rule: the render is then kept for this
  // millisecond only rather than too long.
  for (let steps = 0; at - 1 > t && valueAt(at - 1) !== current; steps++) {
    if (steps > 1000) return t + 1;
    at--;
  }
  for (let steps = 0; valueAt(at) === current; steps++) {
    if (steps > 1000) return t + 1;
    at++;
  }
  return at;
}

/** When a value rounded to 0.1 day (round1 of the days since `fromMs`) next shows otherwise, after `t`. */
export function nextTenthOfDay(t: number, fromMs: number, valueAt: (ms: number) => number): number {
  const x = Math.max(0, (t - fromMs) / DAY_MS);
  // Math.round moves at each half tenth: x * 10 = k + 0.5.
  const k = Math.floor(x * 10 + 0.5);
  return firstChangeAfter(t, valueAt, fromMs + ((k + 0.5) * DAY_MS) / 10);
}
