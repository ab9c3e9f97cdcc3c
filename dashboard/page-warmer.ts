// Renders pages into the app's cache before anyone asks for them, one at a time, in small steps
// taken only while the process is quiet (QUIET_MS without a request; under a stream that never
// pauses, after STARVED_MS, spaced steps at moments no request is in flight: up to half the loop
// while much is pending, as on start), so a request waits for one step at most:
// the default view of each service a scan was just ingested for (and the overview), pages whose
// cached copy shows ages from an earlier minute, and on start the services of the overview. A
// first visit then finds the page rendered; a burst of first visits no longer queues behind
// dozens of renders. Renders go through the same cache as requests (version-cache.ts), so a warmed
// page is never older than the data: the data version is read before the data, and a request
// arriving while a warm render of its page runs waits for that render instead of starting another.
// With each service page, the read API's answers a client polls for that service are computed ahead
// the same way (api/answers.ts): on start, after its ingest, and for every warmed service again when
// the UTC day turns (the posture windows end today). When the overview's 5-minute period turns, the
// overview page and the answers that follow that period are computed ahead again, idle or not.
import type { Logger } from '../src/logger.js';
import { nextDayTurn } from './clock-reading.js';

interface PageTargets {
  /** Renders the default view of a service page into the cache. */
  service(name: string): Promise<void>;
  /** Renders the overview's default view into the cache. */
  overview(): Promise<void>;
  /** Service names in the order worth warming on start (the overview's worst first). */
  services(): Promise<string[]>;
}

/**
 * Services warmed on start and at a day turn: all of them (worst first), within the cache's budget
 * (cache-budget.ts grows it with the number of services unless the operator set one; a run stops
 * at WARM_FILL_MAX of it and says so).
 */
export const WARM_ALL = Number.POSITIVE_INFINITY;
/** After a start-up work whose overview failed, a readiness probe tries it again after this wait (doubled after each failed try, up to the next constant). */
export const START_UP_RETRY_MS = 10_000;
export const START_UP_RETRY_MAX_MS = 300_000;

/**
 * Services whose data version moved at once that are rendered ahead (an ingest moves one; a
 * process sharing the store may see many move together): these bypass the budget check (their old
 * entries go, LRU makes room), so they are bounded.
 */
export const WARM_MOVED_MAX = 1000;

/**
 * Work ahead in bulk (on start, at a day turn) stores at most this share of the cache's byte budget:
 * it never evicts what it warmed a moment ago (churn), and leaves room for what requests cache.
 */
export const WARM_FILL_MAX = 0.75;

/**
 * Quiet needed before work ahead goes on, a task or the next step of one: no request in flight and
 * none ended this recently. Under a stream of requests a server is idle for a moment between two
 * many times a second (32 keep-alive connections on loopback: between two batches); a step started
 * then would make the next requests wait for it.
 */
const QUIET_MS = 200;

/**
 * Under a stream of requests that never leaves QUIET_MS between two, work ahead would wait for ever
 * (a start's, a day turn's, an ingest's). Once it waited this long it takes steps between requests
 * (a request waits for one step at most), each followed by a share of the loop for requests alone.
 * A few tasks (an ingest's, a page whose ages moved on) wait STARVED_MS, then take a twentieth of
 * the loop at most (STREAM_SHARE times each step's length, at least STREAM_GAP_MS): their pages are
 * served meanwhile, old or rendered by their first request, and one of their steps can be long (the
 * overview after an ingest reads the week's remediation trend: 0.2-0.9 s at 500 services on SQLite).
 * Longer than the bench's load lines one after another without a pause (about 10 s).
 */
const STARVED_MS = 30_000;
const STREAM_SHARE = 20;
const STREAM_GAP_MS = 50;
/**
 * Much work pending (a bulk run on start or at a day turn, or at least CATCH_UP_TASKS queued) waits
 * CATCH_UP_STARVED_MS only: until it is done every first visit of a service is a cold render (5-8
 * ms of main-thread CPU; 32 at once queue to hundreds of ms), so a busy dashboard starts it about a
 * second after its start, not after half a minute of cold first visits.
 */
const CATCH_UP_STARVED_MS = 1_000;

/**
 * Catch-up work under a stream takes up to half the loop (requests alone for CATCH_UP_SHARE times
 * each step's length, at least CATCH_UP_GAP_MS: a timer, so the loop polls its sockets between two
 * steps). Its steps are slices: a render's pauses (most cost 0.3-2 ms) go on at once until
 * STEP_SLICE_MS went by. A saturated stream allows one step per round (the requests that saw the
 * last step end first): one pause a round, 500 services' 6,500 pauses would take minutes.
 */
const CATCH_UP_TASKS = 8;
const CATCH_UP_SHARE = 1;
const CATCH_UP_GAP_MS = 1;
const STEP_SLICE_MS = 10;

/** How often a paused render ahead checks whether a request now waits for it. */
const URGENT_CHECK_MS = 10;

/** Work ahead's steps since the last takeFigures() (the bench prints them beside the loop's blocks). */
export interface WorkAheadFigures {
  steps: number;
  /**
   * The longest step, ms from going on to the next pause or the task's end: its awaits included
   * (gzip on the thread pool, PostgreSQL), so an upper bound of the loop block it can make.
   */
  longestStepMs: number;
}

export class PageWarmer {
  private readonly queue = new Map<string, QueuedTask>();
  /** The running task reads every service (see enqueue's `wide`). */
  private runningWide = false;
  private running: Promise<void> | undefined;
  private targets: PageTargets | undefined;
  private answers: ((name: string) => Promise<void>) | undefined;
  /** Answers that follow the overview's period (followPeriods), by key. */
  private readonly periodTargets = new Map<string, () => Promise<void>>();
  /** When the UTC day turns (followDays): the time, and how many services get their answers again. */
  private nextDay = Infinity;
  private dayMax = 0;
  private meter: CacheMeter | undefined;
  private inFlight = 0;
  private lastEnded = 0;
  /** Waiting for the moment no request is in flight, or none that saw the last step. */
  private whenIdle: (() => void)[] = [];
  /**
   * Steps ended so far: a request is "older" when it started before the last step ended (it may
   * have waited for that step); under a stream the next step waits until no older request is in
   * flight, so no request waits for two.
   */
  private epoch = 0;
  private olderInFlight = 0;
  /** Since when work ahead waits for quiet that does not come (undefined: it last went on in quiet). */
  private waitingSince: number | undefined;
  /** Under a stream: the first instant of the next step (after the last one's share of requests alone). */
  private nextStreamStep = 0;
  /** When the running step went on (undefined between steps). */
  private stepStart: number | undefined;
  /** The running step is a catch-up slice under a stream: it goes on through its pauses up to STEP_SLICE_MS. */
  private slicing = false;
  /** Bulk runs (on start, at a day turn) whose tasks are not all done. */
  private bulkRuns = 0;
  private figures: WorkAheadFigures = { steps: 0, longestStepMs: 0 };
  private begun = 0;
  /** warmAll's runs so far (each queues its tasks under keys of its own). */
  private startUps = 0;
  /** The work ahead on start (warmAll), while it runs: what readiness waits for. */
  private startUp: { overview: boolean; services: boolean; run?: BulkRun } | undefined;
  /**
   * The overview page (it reads every service) rendered ahead without error since the process
   * started: what readiness asks of a start-up work that ended (startUpFailed).
   */
  private overviewRendered = false;
  /** An overview render ahead failed since the last one that did not. */
  private overviewFailed = false;
  /** warmAll was called (a process that renders nothing ahead on start is never "failed"). */
  private startUpBegan = false;
  /** When the overview may be tried again (retryStartUp), and the wait after that try if it fails too. */
  private retryAt = 0;
  private retryWaitMs = START_UP_RETRY_MS;
  /** warmAll's `max`, for a try again. */
  private startUpMax = WARM_ALL;
  /** The timers of followDays and followPeriods (stop clears them). */
  private readonly timers = new Set<NodeJS.Timeout>();
  /** stop() was called: nothing more is queued, nor run. */
  private stopped = false;

  constructor(
    private readonly logger: Pick<Logger, 'info' | 'warning'>,
    private readonly quietMs = QUIET_MS,
    private readonly starvedMs = STARVED_MS,
    private readonly catchUpStarvedMs = CATCH_UP_STARVED_MS,
  ) {}

  /**
   * The app counts its requests: work ahead waits for quiet (QUIET_MS without any). The ticket
   * goes back with requestEnded.
   */
  requestStarted(): number {
    this.inFlight++;
    return this.epoch;
  }

  requestEnded(ticket: number): void {
    this.inFlight--;
    this.lastEnded = performance.now();
    const older = ticket < this.epoch;
    if (older) this.olderInFlight--;
    if ((this.inFlight === 0 || (older && this.olderInFlight === 0)) && this.whenIdle.length > 0) {
      const resume = this.whenIdle;
      this.whenIdle = [];
      for (const r of resume) r();
    }
  }

  /**
   * Between the steps of a render ahead (reading, rendering, compressing): resolves once the
   * process is quiet again (see goOn), so a request that arrives during a background render waits
   * for one step of it at most, and a stream of requests is not broken into by its other steps.
   * `urgent`: a request now waits for this very render (it joined it): go on at once.
   */
  yieldToRequests(urgent: () => boolean = () => false): Promise<void> {
    return this.goOn(urgent);
  }

  /** The steps taken since the last call (and their longest), then a new count. */
  takeFigures(): WorkAheadFigures {
    const f = this.figures;
    this.figures = { steps: 0, longestStepMs: 0 };
    return f;
  }

  /**
   * Resolves when work ahead may take its next step (or task): after QUIET_MS without requests; at
   * once when `urgent`; under a stream that never pauses, after STARVED_MS of waiting, once no
   * request that started before the last step ended is in flight (it may have waited for that step)
   * and the last step's share of requests alone is over. A catch-up slice under a stream goes on at
   * once until STEP_SLICE_MS went by: a request that came in meanwhile waits for the rest of it, the
   * next step for that request.
   */
  private async goOn(urgent?: () => boolean): Promise<void> {
    const paused = performance.now();
    // A catch-up slice goes on at once: a turn of the loop here would let a round of requests go
    // through at each of its pauses, most of them far shorter than the round. Not past the catch-up's end.
    if (this.stepStart !== undefined && this.slicing && paused - this.stepStart < STEP_SLICE_MS && this.catchingUp() && !this.runningWide) return;
    // A turn of the event loop first, so requests already waiting on a socket start before.
    await turnOfTheLoop();
    this.endStep(paused);
    for (;;) {
      if (urgent?.()) break;
      const now = performance.now();
      if (this.inFlight === 0 && now - this.lastEnded >= this.quietMs) {
        this.waitingSince = undefined;
        break;
      }
      const wide = this.runningWide;
      const catchingUp = this.catchingUp() && !wide;
      this.waitingSince ??= now;
      const streamStep = Math.max(this.waitingSince + (catchingUp ? this.catchUpStarvedMs : this.starvedMs), this.nextStreamStep);
      if (this.olderInFlight === 0 && now >= streamStep) {
        this.slicing = catchingUp;
        break;
      }
      // A wide task waiting under a stream: the other tasks' catch-up goes on meanwhile, one task at a time.
      if (wide) {
        const narrow = await this.runNarrow(urgent);
        // A request now waits for the wide task: it goes on in the step just begun.
        if (narrow === 'urgent') return;
        if (narrow === 'ran') continue;
      }
      // Requests that saw the last step go first; else the quiet or the stream's next step, whichever comes first.
      await this.wake(this.olderInFlight > 0 ? undefined : Math.min(this.inFlight > 0 ? Infinity : this.lastEnded + this.quietMs, streamStep) - now, urgent);
      await turnOfTheLoop();
    }
    this.stepStart = performance.now();
    this.begun++;
  }

  /**
   * A catch-up slice under a stream is running: its compression may run on this thread (up to a
   * waited request's size) instead of the thread pool, whose every answer waits a round of requests.
   */
  get inSlice(): boolean {
    return this.slicing && this.stepStart !== undefined;
  }

  /** Steps begun since the start (tests: how many a request overlapped). */
  get stepsBegun(): number {
    return this.begun;
  }

  /** Much work ahead pending: under a stream it takes the larger share (CATCH_UP_SHARE) in slices. */
  private catchingUp(): boolean {
    return this.bulkRuns > 0 || this.queue.size >= CATCH_UP_TASKS;
  }

  /** Waits for the next moment no request (or no older one) is in flight, or `ms` (undefined: none), or URGENT_CHECK_MS when `urgent` may turn. */
  private wake(ms: number | undefined, urgent?: () => boolean): Promise<void> {
    const wait = urgent ? Math.min(ms ?? URGENT_CHECK_MS, URGENT_CHECK_MS) : ms;
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.whenIdle = this.whenIdle.filter((r) => r !== done);
        resolve();
      };
      const timer = wait === undefined || wait === Infinity ? undefined : setTimeout(done, Math.max(1, wait)).unref();
      if (this.inFlight > 0) this.whenIdle.push(done);
    });
  }

  /** The running step ends (at `at`): counted, and under a stream the next waits for its share of requests alone. */
  private endStep(at = performance.now()): void {
    if (this.stepStart === undefined) return;
    const ms = at - this.stepStart;
    this.stepStart = undefined;
    this.slicing = false;
    // The requests in flight now (those that came in during the step included: a turn of the loop
    // went by) may have waited for it.
    this.epoch++;
    this.olderInFlight = this.inFlight;
    this.figures.steps++;
    this.figures.longestStepMs = Math.max(this.figures.longestStepMs, ms);
    const [share, gap] = this.catchingUp() && !this.runningWide ? [CATCH_UP_SHARE, CATCH_UP_GAP_MS] : [STREAM_SHARE, STREAM_GAP_MS];
    this.nextStreamStep = at + Math.max(gap, share * ms);
  }

  /** The page routes say how to render their pages. */
  setTargets(targets: PageTargets): void {
    this.targets = targets;
  }

  /** The read API says how to compute a service's polled answers (api/answers.ts). */
  setAnswerTarget(answers: (name: string) => Promise<void>): void {
    this.answers = answers;
  }

  /** An answer that follows the overview's period (the read API's overview): computed ahead of this period when it turns. */
  setPeriodTarget(key: string, refresh: () => Promise<void>): void {
    this.periodTargets.set(key, refresh);
  }

  /** The app's cache: bulk work ahead stops once it stored WARM_FILL_MAX of its budget. */
  setCacheMeter(meter: CacheMeter): void {
    this.meter = meter;
  }

  /** `task` of the bulk run while it stored less than WARM_FILL_MAX of the cache, else nothing (said once). */
  private ifRoom(run: BulkRun, task: () => Promise<void>, service: boolean): () => Promise<void> {
    return async () => {
      const m = this.meter;
      if (!m) {
        await task();
      } else if (run.bytes < m.budget() * WARM_FILL_MAX) {
        const before = m.stored();
        // Counts what requests stored meanwhile too: errs on the side of stopping early.
        await task().finally(() => (run.bytes += m.stored() - before));
      } else {
        if (!run.stopped) {
          const mb = (m.budget() / 1048576).toFixed(0);
          this.logger.warning(`work ahead stopped at ${Math.round(WARM_FILL_MAX * 100)}% of the cache's budget (${mb} MB) after ${run.done} of ${run.services} services (${run.what}): the others are computed on their first request (cacheMegabytes sets the budget)`);
        }
        run.stopped = true;
        return;
      }
      if (service) run.done++;
    };
  }

  /** Starts a bulk run over `services` (the cache's budget first fits them), and queues its end's log line after its tasks. */
  private startBulk(what: string, services: number): BulkRun {
    this.meter?.fit?.(services);
    return { what, services, done: 0, bytes: 0, stopped: false, t0: performance.now() };
  }

  private endBulk(run: BulkRun, ended?: () => void): void {
    this.enqueue(`bulk-end|${run.what}|${run.t0}`, async () => {
      ended?.();
      // The last bulk run ended under a stream: the few tasks left (a page whose minute turned, the
      // overview's refresh, whose one step can be long) wait STARVED_MS from now, not from when the
      // stream began (they would go at once, into the stream the run was caught up under).
      if (--this.bulkRuns === 0) this.waitingSince = undefined;
      const m = this.meter;
      const mb = (n: number) => (n / 1048576).toFixed(1);
      const room = m ? `, ${mb(run.bytes)} MB stored (${(run.bytes / Math.max(1, run.done) / 1024).toFixed(1)} KB a service; the cache holds ${mb(m.held())} MB of its ${mb(m.budget())} MB budget)` : '';
      this.logger.info(`work ahead ${run.what}: ${run.done} of ${run.services} services in ${((performance.now() - run.t0) / 1000).toFixed(1)} s${room}`);
    });
  }

  /**
   * Runs `task` in the background unless a task under `key` is already waiting (then false).
   * `wide`: it reads every service (the overview page, its rows, its week): at 5,000 services one
   * of its steps holds PostgreSQL for seconds (the week's three reads at once: 2.2 s in a catch-up
   * slice at 10 million findings), which no slice bounds. Under a stream it is never catch-up work:
   * it begins or goes on after quiet or STARVED_MS as a few tasks do, and while it waits the
   * other tasks queued go on (their catch-up included), from its pause.
   */
  enqueue(key: string, task: () => Promise<unknown>, wide = false): boolean {
    if (this.stopped || this.queue.has(key)) return false;
    this.queue.set(key, { run: task, wide });
    this.running ??= this.drain();
    return true;
  }

  /**
   * A bulk run's first task (`bulk` queues its services, then its end): counted from now until its
   * end's task ran (or it failed before queuing it), so its first step is already catch-up work.
   */
  private enqueueBulk(key: string, bulk: () => Promise<void>): void {
    if (!this.enqueue(key, async () => {
      let queued = false;
      try {
        await bulk();
        queued = true;
      } finally {
        if (!queued) this.bulkRuns--;
      }
    })) return;
    this.bulkRuns++;
  }

  /**
   * A service's page, then its polled answers. `bulk` (on start, at a day turn): only while the
   * cache has room; after an ingest always (the service's old entries go, LRU makes room).
   */
  private enqueueService(name: string, bulk?: BulkRun): void {
    const t = this.targets;
    if (t) this.enqueue(`service|${name}`, bulk ? this.ifRoom(bulk, () => t.service(name), false) : () => t.service(name));
    this.enqueueAnswers(name, bulk);
  }

  /** A bulk run counts a service done once its answers (its last task) are. */
  private enqueueAnswers(name: string, bulk?: BulkRun): void {
    const a = this.answers;
    if (a) this.enqueue(`answers|${name}`, bulk ? this.ifRoom(bulk, () => a(name), true) : () => a(name));
  }

  /**
   * After an ingest: the overview, the ingested services' pages and answers, then the period targets
   * (the overview API's body from the rows the page read; a new data version, so no order reads
   * older rows, and the services' own work goes first).
   */
  afterIngest(services: string[]): void {
    const t = this.targets;
    if (!t) return;
    this.enqueue('overview', () => t.overview(), true);
    for (const name of services) this.enqueueService(name);
    this.enqueuePeriodTargets();
  }

  /** On start: the overview (the period targets, then its page) and up to `max` services (the overview's worst first). */
  warmAll(max = WARM_ALL): void {
    const t = this.targets;
    if (!t) return;
    const startUp: NonNullable<PageWarmer['startUp']> = { overview: false, services: false };
    this.startUp = startUp;
    this.startUpMax = max;
    this.startUpBegan = true;
    this.retryAt = performance.now() + START_UP_RETRY_MS;
    const ended = (part: 'overview' | 'services') => {
      startUp[part] = true;
      if (startUp.overview && startUp.services && this.startUp === startUp) this.startUp = undefined;
    };
    // The overview first (under a stream it waits, and the services go on meanwhile). Failed or
    // not, each part ends the start-up work: readiness never waits for ever. Keys of this run's
    // own (a render of the overview queued already, another run's services): its parts end when
    // its own tasks do, never at the enqueue.
    const run = ++this.startUps;
    // The answers that follow the overview's period first (the API body: every service's rows, then
    // their JSON and gzip), so the first poll finds it too, and the page reads the rows they read.
    this.enqueuePeriodTargets();
    const overview = () => t.overview().finally(() => ended('overview'));
    if (!this.enqueue('overview', overview, true)) this.enqueue(`overview|start ${run}`, overview, true);
    this.warmServices(max, 'on start', run, (bulk) => (startUp.run = bulk), () => ended('services'));
  }

  /**
   * Up to `max` services' pages and answers (the overview's worst first) as one bulk run; `ended`
   * once they are all done or the list of services could not be read.
   */
  private warmServices(max: number, what: string, run: number | string = what, begun?: (bulk: BulkRun) => void, ended?: () => void): void {
    const t = this.targets;
    if (!t) return;
    this.enqueueBulk(`start|${run}`, async () => {
      let names: string[];
      try {
        names = (await t.services()).slice(0, max);
      } catch (err) {
        ended?.();
        throw err;
      }
      const bulk = this.startBulk(what, names.length);
      begun?.(bulk);
      for (const name of names) this.enqueueService(name, bulk);
      this.endBulk(bulk, ended);
    });
  }

  /**
   * Whether the work ahead on start is done (its overview and every service it could store), and
   * how far it got: GET /readyz, for a balancer that sends a process traffic once its pages are
   * rendered (app.ts). Done at once in a process that does none (warmPagesOnStart 0).
   */
  startUpProgress(): { done: boolean; failed?: true; services?: number; warmed: number } {
    const s = this.startUp;
    if (!s) return this.startUpFailed() ? { done: true, failed: true, warmed: 0 } : { done: true, warmed: 0 };
    return { done: false, services: s.run?.services, warmed: s.run?.done ?? 0 };
  }

  /**
   * After a start-up work whose overview could not be rendered (startUpProgress `failed`): the
   * overview alone is tried again, START_UP_RETRY_MS after the start-up began, then after twice
   * the last wait (up to START_UP_RETRY_MAX_MS; one warning each try). A readiness probe calls this, so a
   * process whose database came back becomes ready by itself at the first render that works, and
   * then renders its services ahead (readiness does not wait for them again); one whose pages cannot
   * render stays out of a balancer's rotation.
   */
  retryStartUp(now = performance.now()): void {
    const t = this.targets;
    if (!t || !this.startUpFailed() || this.stopped || now < this.retryAt || this.queue.has('overview|retry')) return;
    this.retryWaitMs = Math.min(this.retryWaitMs * 2, START_UP_RETRY_MAX_MS);
    this.retryAt = now + this.retryWaitMs;
    this.enqueue('overview|retry', async () => {
      await t.overview();
      // It rendered (a failure throws past this): the services' pages and answers, as on start.
      this.warmServices(this.startUpMax, 'after the start-up work failed');
    }, true);
  }

  /** The work ahead on start ended and its overview could not be rendered, nor since. */
  private startUpFailed(): boolean {
    return this.startUpBegan && !this.startUp && this.overviewFailed && !this.overviewRendered;
  }

  /**
   * From now on, when the UTC day turns by `now`, the answers of up to `max` services (the overview's
   * worst first, as on start) are computed again: their posture windows end today, a new key each
   * day. Noticed by a timer at midnight, and by clockSeen (each request) should the timer be late.
   */
  followDays(now: () => Date, max = WARM_ALL): void {
    this.dayMax = max;
    this.nextDay = nextDayTurn(now().getTime());
    // At least a minute: a clock that stands still (tests) never spins the timer.
    this.every(() => Math.max(60_000, this.nextDay - now().getTime() + 1000), () => this.clockSeen(now()));
  }

  /**
   * From now on, after each turn of the overview's period (`periodMs`, by `now`), the period targets
   * and the overview page are computed ahead, in that order (the page's week panel then reads this
   * period's rows). Requests refresh them in the background while what the cache holds is at most
   * a period old; after longer quiet (a night, a weekend) the first request would wait for every
   * service's rows and the week's reads again (569.6 ms for the overview API at 5,000 services and
   * 10 million findings on PostgreSQL). `offsetMs` after the turn: by default a second and a random
   * share of half a period, chosen once per process (periodTimerOffset).
   */
  followPeriods(now: () => Date, periodMs: number, offsetMs = periodTimerOffset(periodMs)): void {
    this.every(() => periodTimerWait(now().getTime(), periodMs, offsetMs), () => this.periodTurned());
  }

  /** The overview's period turned (followPeriods' timer): the period targets, then the overview page, ahead. Each reads every service (wide). */
  periodTurned(): void {
    this.enqueuePeriodTargets();
    const t = this.targets;
    if (t) this.enqueue('overview', () => t.overview(), true);
  }

  private enqueuePeriodTargets(): void {
    for (const [key, refresh] of this.periodTargets) this.enqueue(`period|${key}`, refresh, true);
  }

  /** Runs `then` after `wait()` ms, again and again until stop() (a timer that keeps no process alive). */
  private every(wait: () => number, then: () => void): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      try {
        then();
      } finally {
        this.every(wait, then);
      }
    }, wait()).unref();
    this.timers.add(timer);
  }

  /**
   * Stops the work ahead for good (the server closes its store next): its timers, and what is
   * queued. A task running finishes; its next steps find the store closed.
   */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.queue.clear();
  }

  /** The app's clock at a request (app.ts): when the day has turned, today's answers are computed ahead. */
  clockSeen(at: Date): void {
    if (at.getTime() < this.nextDay) return;
    this.nextDay = nextDayTurn(at.getTime());
    const t = this.targets;
    if (!t) return;
    this.enqueueBulk(`day|${this.nextDay}`, async () => {
      const names = (await t.services()).slice(0, this.dayMax);
      const run = this.startBulk('at the day turn', names.length);
      for (const name of names) this.enqueueAnswers(name, run);
      this.endBulk(run);
    });
  }

  /** Resolves once nothing is queued or running (tests, the bench). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async runTask(key: string, task: QueuedTask): Promise<void> {
    this.queue.delete(key);
    // Taken from the queue before stop(), then waited for quiet: not begun (the store is closing).
    if (this.stopped) return;
    this.runningWide = task.wide;
    const what = key.split('|')[0];
    try {
      await task.run();
      if (what === 'overview') {
        this.overviewRendered = true;
        this.overviewFailed = false;
      }
    } catch (err) {
      // Stopped meanwhile: the server closed its store under the task, as stop() says; no failure.
      if (this.stopped) return;
      if (what === 'overview') this.overviewFailed = true;
      const doing = what === 'answers' ? 'computing API answers' : what === 'period' ? `computing ${key.slice('period|'.length)}` : `rendering ${what} page`;
      this.logger.warning(`${doing} ahead failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /**
   * While a wide task waits under a stream and catch-up work is queued: the first task queued that
   * is not wide, begun (its first step waits as any) and run to its end ('ran'); 'none' when there
   * is none (or only a few tasks, which wait as the wide one does); 'urgent' when a request came to
   * wait for the wide task meanwhile (a step is begun: the wide task's).
   */
  private async runNarrow(urgent?: () => boolean): Promise<'ran' | 'none' | 'urgent'> {
    if (!this.catchingUp()) return 'none';
    for (const [key, task] of this.queue) {
      if (task.wide) continue;
      this.runningWide = false;
      await this.goOn(urgent);
      this.runningWide = true;
      if (urgent?.()) return 'urgent';
      this.runningWide = false;
      await this.runTask(key, task);
      // Its last step ends here, with the share of a narrow one.
      this.endStep();
      this.runningWide = true;
      return 'ran';
    }
    return 'none';
  }

  private async drain(): Promise<void> {
    try {
      // Map iteration also visits tasks queued meanwhile.
      for (const [key, task] of this.queue) {
        this.runningWide = task.wide;
        await this.goOn();
        await this.runTask(key, task);
        // The step goes on into the next task's goOn (a catch-up slice may take it at once).
      }
    } finally {
      this.endStep();
      this.runningWide = false;
      this.running = undefined;
      // Nothing waits any more: the next work ahead starts its wait for quiet anew.
      this.waitingSince = undefined;
    }
  }
}

interface QueuedTask {
  run: () => Promise<unknown>;
  /** Reads every service (enqueue). */
  wide: boolean;
}

/** The app's cache as bulk work ahead sees it (app.ts). */
export interface CacheMeter {
  /** Bytes stored since the start, evicted or not. */
  stored: () => number;
  /** Bytes held now. */
  held: () => number;
  budget: () => number;
  /** A bulk run over this many services begins: the budget fits them (unless the operator set it). */
  fit?: (services: number) => void;
}

interface BulkRun {
  what: string;
  services: number;
  /** Services whose page and answers are done. */
  done: number;
  /** Bytes the cache stored during the run's tasks. */
  bytes: number;
  /** Stopped at WARM_FILL_MAX (said once). */
  stopped: boolean;
  t0: number;
}

/**
 * How long after each turn of a period followPeriods' timer fires: a second (the clock may lag the
 * timer a little) and a random share of half the period, chosen once per process, so that several
 * processes sharing one PostgreSQL do not all read every service at the same instant. A request
 * meanwhile is served the previous period's copy, as at any turn.
 */
export function periodTimerOffset(periodMs: number, random = Math.random()): number {
  return 1000 + Math.floor((random * periodMs) / 2);
}

/**
 * How long followPeriods' timer waits at instant `t`: until `offsetMs` after the next turn of the
 * period, and at least a tenth of a period, so that a timer that fires a moment before the clock
 * shows its instant, or a clock that stands still (tests), does not fire again at once.
 */
export function periodTimerWait(t: number, periodMs: number, offsetMs: number): number {
  const sinceInstant = (((t - offsetMs) % periodMs) + periodMs) % periodMs;
  return Math.max(periodMs / 10, periodMs - sinceInstant);
}

const turnOfTheLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
