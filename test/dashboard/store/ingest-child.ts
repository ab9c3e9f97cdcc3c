// A second dashboard process in miniature: opens the store at argv[2], ingests the report in the
// JSON file argv[3], prints the result. Used to ingest through several processes at once.
import { readFileSync } from 'node:fs';
import { openStore } from '../../../dashboard/store/store.js';
import { ScanReportSchema } from '../../../src/report/scan-report.js';

const store = await openStore(process.argv[2]);
try {
  const report = ScanReportSchema.parse(JSON.parse(readFileSync(process.argv[3], 'utf8')));
  process.stdout.write(`${JSON.stringify(await store.ingestScan(report, `process-${process.pid}`))}\n`);
} finally {
  await store.close();
}
