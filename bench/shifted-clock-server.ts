// The dashboard server of bench/http-load.ts, with a clock that moves to one second past the next UTC
// midnight on each SIGUSR1: a bench measures the work ahead at a day turn (page-warmer.ts) without
// waiting for midnight.
// Bench-only: the server proper (dashboard/server.ts) follows the system clock.
import { parseArgs } from 'node:util';
import { loopStatsFromEnv } from '../dashboard/loop-stats.js';
import { startDashboard } from '../dashboard/server.js';

loopStatsFromEnv();
const { values } = parseArgs({ options: { db: { type: 'string' }, port: { type: 'string', default: '0' } }, strict: true });
if (!values.db) throw new Error('--db is required');
let shiftMs = 0;
process.on('SIGUSR1', () => {
  const now = Date.now() + shiftMs;
  shiftMs += (Math.floor(now / 86_400_000) + 1) * 86_400_000 + 1000 - now;
});
await startDashboard({ db: values.db, port: Number(values.port), now: () => new Date(Date.now() + shiftMs), handleSignals: true });
