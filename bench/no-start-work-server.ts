// The dashboard server of bench/http-load.ts without its work ahead on start (page-warmer.ts): a
// bench measures first visits that find nothing rendered ahead, 32 at once, however soon the
// work ahead of a normal start would have rendered them.
// Bench-only: the server proper renders every service ahead on start.
import { parseArgs } from 'node:util';
import { loopStatsFromEnv } from '../dashboard/loop-stats.js';
import { startDashboard } from '../dashboard/server.js';

loopStatsFromEnv();
const { values } = parseArgs({ options: { db: { type: 'string' }, port: { type: 'string', default: '0' } }, strict: true });
if (!values.db) throw new Error('--db is required');
await startDashboard({ db: values.db, port: Number(values.port), handleSignals: true, warmPagesOnStart: 0 });
