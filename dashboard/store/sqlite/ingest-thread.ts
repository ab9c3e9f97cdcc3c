// The SQLite store's IngestStore: each ingest runs on a worker thread (ingest-worker.ts) with its
// own connection to the store's file, so the server's thread keeps answering reads while a scan is
// written (better-sqlite3 is synchronous: in-thread, a 10,000-finding ingest held every request).
//
// What callers see is what the in-thread ingest gives: the same result, the same error classes
// (ingest-messages.ts), and on return the scan is committed, so the next version read of the
// store's connection sees the data versions it moved (versions.ts: caches and the page warmer learn
// of it there). Ingests run one at a time in the order they were called.
//
// One worker serves every SQLite store of the process (a server has one; a test process opens
// dozens, and loading the thread costs far more than opening a connection). It starts with the
// first store, keeps one connection per open store, and idle it holds no connection of a closed
// store and does not keep the process alive. A worker that dies (a crash, `terminate()`) fails the
// requests it had not answered with IngestWorkerError; the next ingest starts a fresh one, and each
// store opens its connection there again.
import { Worker } from 'node:worker_threads';
import { IngestWorkerError } from '../errors.js';
import type { IngestResult, IngestStore } from '../types.js';
import { errorOf, type IngestWorkerAnswer, type IngestWorkerRequest } from './ingest-messages.js';

/** The worker as a store sees it: for the server's start, tests (a crash mid-ingest) and diagnostics. */
export interface IngestWorkerControl {
  /** Resolves once this store's connection is open in the worker its next ingest goes to; rejects if it cannot be. */
  ready(): Promise<void>;
  /** The running worker's thread id; undefined when none runs (died, not restarted yet). */
  threadId(): number | undefined;
  /** Ends the worker at once, as a crash would (every store's unanswered ingests fail with IngestWorkerError). */
  terminate(): Promise<void>;
}

export interface IngestThread extends IngestStore {
  readonly control: IngestWorkerControl;
  /** Closes this store's connection in the worker, after the ingests already sent (their answers arrive first). */
  close(): Promise<void>;
}

interface Waiter {
  /** The scan an ingest is for (IngestWorkerError names it); undefined for an open or a close. */
  scanId: string | undefined;
  settle(answer: IngestWorkerAnswer): void;
  fail(err: Error): void;
}

interface Running {
  worker: Worker;
  waiting: Map<number, Waiter>;
}

/**
 * From the TypeScript sources (tsx, vitest) the worker is ingest-worker.ts, which a new thread
 * can import only once tsx's loader is registered there: vitest and tsx's `register()`
 * (bin/gatehouse.js) leave the thread without it, so it registers it itself when the first import
 * says so. From built JavaScript the worker is the ingest-worker.js beside this file.
 */
function spawnWorker(): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(`./ingest-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  if (!fromSource) return new Worker(entry);
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const boot = `const entry = ${JSON.stringify(entry.href)};
import(entry).catch(async (err) => {
  if (!err || err.code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw err;
  (await import(${JSON.stringify(tsxApi)})).register();
  // Another URL: the failed import of the first one stays cached.
  return import(entry + '?tsx');
});`;
  return new Worker(boot, { eval: true });
}

let current: Running | undefined;
let nextId = 1;
let nextStore = 1;

function start(): Running {
  const worker = spawnWorker();
  const self: Running = { worker, waiting: new Map() };
  let crash: Error | undefined;
  // Idle, the worker does not keep the process alive; with a request waiting it does.
  worker.unref();
  worker.on('message', (answer: IngestWorkerAnswer) => {
    const w = self.waiting.get(answer.id);
    if (!w) return;
    self.waiting.delete(answer.id);
    if (self.waiting.size === 0) worker.unref();
    w.settle(answer);
  });
  worker.on('error', (err) => {
    crash = err;
    // The next request goes to a fresh worker, not to this one that is ending.
    if (current === self) current = undefined;
  });
  worker.on('exit', (code) => {
    if (current === self) current = undefined;
    for (const w of self.waiting.values()) w.fail(new IngestWorkerError(w.scanId, code, { cause: crash }));
    self.waiting.clear();
  });
  return self;
}

/** Sends `request` to `to`; resolves with the worker's answer, rejects with the error it reports or IngestWorkerError if it dies first. */
function send(to: Running, request: IngestWorkerRequest, scanId?: string): Promise<IngestWorkerAnswer> {
  return new Promise<IngestWorkerAnswer>((resolve, reject) => {
    to.waiting.set(request.id, {
      scanId,
      settle: (answer) => (answer.kind === 'failed' ? reject(errorOf(answer.error)) : resolve(answer)),
      fail: reject,
    });
    to.worker.ref();
    to.worker.postMessage(request);
  });
}

export function startIngestThread(file: string): IngestThread {
  const store = nextStore++;
  let openedIn: Running | undefined;
  let opened: Promise<void> = Promise.resolve();
  let closed = false;

  /** The worker this store's next request goes to, with its connection opened there. */
  function connection(): Running {
    const to = (current ??= start());
    if (openedIn !== to) {
      openedIn = to;
      opened = send(to, { kind: 'open', id: nextId++, store, file }).then(() => undefined);
      // Nobody need wait for it: a connection that cannot open fails the ingests sent after it too.
      opened.catch(() => {});
    }
    return to;
  }
  // Opened with the store: the first ingest does not wait for the thread to load.
  connection();

  return {
    async ingestScan(report, actor, scope = '*', options = {}): Promise<IngestResult> {
      if (closed) throw new Error('the store is closed');
      const to = connection();
      const request: IngestWorkerRequest = {
        kind: 'ingest',
        id: nextId++,
        store,
        reportJson: JSON.stringify(report),
        actor,
        ingestedAt: new Date().toISOString(),
        scope,
        moveRepository: options.moveRepository === true,
      };
      const answer = await send(to, request, report.scanId);
      if (answer.kind !== 'ingested') throw new Error(`the ingest worker answered an ingest with "${answer.kind}"`);
      return answer.result;
    },
    control: {
      ready() {
        if (!closed) connection();
        return opened;
      },
      threadId: () => current?.worker.threadId,
      async terminate() {
        if (current) await current.worker.terminate();
      },
    },
    async close() {
      closed = true;
      const to = openedIn;
      openedIn = undefined;
      // A worker that died took the connection with it.
      if (to && to === current) await send(to, { kind: 'close', id: nextId++, store }).catch(() => {});
    },
  };
}
