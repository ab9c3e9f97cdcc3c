// The SQLite ingest thread (started by ingest-thread.ts): one better-sqlite3 connection per store
// of the process, to that store's file; one ingest transaction at a time, in the order they were
// sent, while the stores' thread goes on serving reads. If this thread dies mid-ingest,
// better-sqlite3 closes its connections as the thread ends and SQLite rolls the open transaction back.
import { parentPort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { ScanReport } from '../../../src/report/scan-report.js';
import { sha256Hex } from '../rows.js';
import { configureConnection } from './connection.js';
import { failureOf, type IngestFailure, type IngestWorkerAnswer, type IngestWorkerRequest } from './ingest-messages.js';
import { createSqliteIngestTransaction, type SqliteIngestTransaction } from './ingest.js';

const port = parentPort;
if (!port) throw new Error('ingest-worker.ts runs as a worker thread (ingest-thread.ts starts it)');

/** Each store's connection and ingest, or why it could not be opened. */
const stores = new Map<number, { db: Database.Database; ingest: SqliteIngestTransaction } | { failed: IngestFailure }>();

function answer(request: IngestWorkerRequest): IngestWorkerAnswer {
  const { id } = request;
  try {
    switch (request.kind) {
      case 'open': {
        const db = new Database(request.file);
        try {
          configureConnection(db);
          stores.set(request.store, { db, ingest: createSqliteIngestTransaction(db) });
        } catch (err) {
          db.close();
          throw err;
        }
        return { kind: 'done', id };
      }
      case 'ingest': {
        const store = stores.get(request.store);
        if (!store) throw new Error(`the ingest worker has no connection for store ${request.store}`);
        if ('failed' in store) return { kind: 'failed', id, error: store.failed };
        // The report was validated by the caller and serialized from the object it would have ingested.
        const report = JSON.parse(request.reportJson) as ScanReport;
        return { kind: 'ingested', id, result: store.ingest(report, sha256Hex(request.reportJson), request.actor, request.ingestedAt, request.scope, request.moveRepository) };
      }
      case 'close': {
        const store = stores.get(request.store);
        stores.delete(request.store);
        if (store && 'db' in store) store.db.close();
        return { kind: 'done', id };
      }
    }
  } catch (err) {
    const failure = failureOf(err);
    if (request.kind === 'open') stores.set(request.store, { failed: failure });
    return { kind: 'failed', id, error: failure };
  }
}

port.on('message', (request: IngestWorkerRequest) => port.postMessage(answer(request)));
