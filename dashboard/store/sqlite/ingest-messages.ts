// What the store's thread and its ingest worker say to each other (ingest-thread.ts,
// ingest-worker.ts). Errors cross as data and are rebuilt as the same classes, so a caller (the
// ingest route's 409, the server log) cannot tell an ingest on the worker from one in-thread.
import Database from 'better-sqlite3';
import { RepositoryMismatchError } from '../errors.js';
import type { IngestResult } from '../types.js';

/** Every request names its store (one worker serves every store of the process) and has an id its answer repeats. */
export type IngestWorkerRequest =
  /** Open the store's connection to `file` (absolute; the store's own connection has migrated it). */
  | { kind: 'open'; id: number; store: number; file: string }
  | {
      kind: 'ingest';
      id: number;
      store: number;
      /** `JSON.stringify(report)`: its sha256 is the idempotency key's body, and a string crosses threads as one copy. */
      reportJson: string;
      actor: string;
      ingestedAt: string;
      scope: string;
      moveRepository: boolean;
    }
  /** Close the store's connection (after every ingest sent before it). */
  | { kind: 'close'; id: number; store: number };

export type IngestWorkerAnswer =
  /** An open or a close done. */
  | { kind: 'done'; id: number }
  | { kind: 'ingested'; id: number; result: IngestResult }
  | { kind: 'failed'; id: number; error: IngestFailure };

/** An error thrown by the ingest transaction, as data. A typed error an ingest may throw has its own kind. */
export type IngestFailure =
  | { kind: 'repository-mismatch'; service: string; existing: string; incoming: string }
  | { kind: 'sqlite'; message: string; code: string }
  | { kind: 'error'; name: string; message: string; stack?: string };

export function failureOf(err: unknown): IngestFailure {
  if (err instanceof RepositoryMismatchError) return { kind: 'repository-mismatch', service: err.service, existing: err.existing, incoming: err.incoming };
  if (err instanceof Database.SqliteError) return { kind: 'sqlite', message: err.message, code: err.code };
  if (err instanceof Error) return { kind: 'error', name: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}) };
  return { kind: 'error', name: 'Error', message: String(err) };
}

export function errorOf(failure: IngestFailure): Error {
  switch (failure.kind) {
    case 'repository-mismatch':
      return new RepositoryMismatchError(failure.service, failure.existing, failure.incoming);
    case 'sqlite':
      return new Database.SqliteError(failure.message, failure.code);
    case 'error': {
      const err = new Error(failure.message);
      err.name = failure.name;
      // The worker's stack: where the ingest failed, for the server log.
      if (failure.stack) err.stack = failure.stack;
      return err;
    }
  }
}
