// The dashboard server of bench/http-load.ts that runs full garbage collections on SIGUSR1, as minutes
// of work ahead with no request in flight do (a start-up run at 10 million findings made ~30 major
// collections): bench/after-idle-gc.bench.ts measures the requests after them.
// Bench-only: the server proper never collects on demand.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseArgs } from 'node:util';
import { loopStatsFromEnv } from '../dashboard/loop-stats.js';
import { startDashboard } from '../dashboard/server.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
/** Full collections per SIGUSR1 (the bench says how many). */
const COLLECTIONS = Number(process.env.GATEHOUSE_BENCH_COLLECTIONS ?? 8);

loopStatsFromEnv();
const { values } = parseArgs({ options: { db: { type: 'string' }, port: { type: 'string', default: '0' } }, strict: true });
if (!values.db) throw new Error('--db is required');
process.on('SIGUSR1', () => {
  for (let i = 0; i < COLLECTIONS; i++) gc();
  process.stderr.write('work ahead (bench): collections done\n');
});
// No work ahead of its own: the collections stand for it, and nothing else runs between the lines.
await startDashboard({ db: values.db, port: Number(values.port), handleSignals: true, warmPagesOnStart: 0 });
