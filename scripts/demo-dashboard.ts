// The dashboard half of `npm run demo`: starts the dashboard on a fresh SQLite file, creates an
// ingest token through the admin API, ingests a 90-day history of the example services made of
// their own findings through the real ingest API (explicit timestamps), then the scan `npm run demo`
// just made as the latest snapshot, checks the overview shows what the terminal printed, and prints
// the URL and the admin token to log in with. Serves until Ctrl-C; `--no-serve` stops after the
// check and prints no URL or token (nothing is left running).
//
// Usage: node --import tsx scripts/demo-dashboard.ts <report.json> [--no-serve] [--port N]
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startDashboard, type RunningDashboard } from '../dashboard/server.js';
import { seedDemoHistory } from '../dashboard/demo-seed.js';
import { createConsoleLogger } from '../src/logger.js';
import { ScanReportSchema } from '../src/report/scan-report.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'no-serve': { type: 'boolean', default: false }, port: { type: 'string', default: '8080' } },
});
const reportPath = positionals[0] ?? join(root, 'out/demo/gatehouse-report.json');
const dbPath = join(root, 'out/demo/dashboard.db');

function fail(message: string): never {
  process.stderr.write(`\ndemo: FAILED: ${message}\n`);
  process.exit(1);
}

async function api(dash: RunningDashboard, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(new URL(path, dash.url), {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) fail(`${method} ${path}: HTTP ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

async function start(adminToken: string): Promise<RunningDashboard> {
  const common = {
    db: dbPath,
    adminToken,
    // The seed posts ~300 scans in a few seconds; the default per-token limit is for CI fleets.
    ingestRateLimit: { perMinute: 100_000 },
    handleSignals: !values['no-serve'],
    print: () => {},
    // One line per ingested scan would bury the URL under 300 lines; keep warnings and errors.
    logger: { ...createConsoleLogger(), info: () => {} },
  };
  try {
    return await startDashboard({ ...common, port: Number(values.port) });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    return startDashboard({ ...common, port: 0 });
  }
}

const report = ScanReportSchema.parse(JSON.parse(readFileSync(reportPath, 'utf8')));
const services = report.services.map((s) => s.name).filter((n) => n !== '(root)');

mkdirSync(dirname(dbPath), { recursive: true });
for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true });
const adminToken = `gh_demo_admin_${randomBytes(18).toString('base64url')}`;
const dash = await start(adminToken);

// Not scoped to the three names: today's scan also carries the root service "(root)" (the files
// outside every service), which a token's service list cannot name.
const ingest = await api(dash, adminToken, 'POST', '/api/v1/admin/tokens', { role: 'ingest', label: 'demo ingest' });
const ingestToken = String(ingest.token);

const started = performance.now();
// The history is made of today's own findings, and today's scan lands last, as the latest
// default-branch snapshot: the dashboard's counts are the ones the terminal just printed.
const seeded = await seedDemoHistory(dash.url, ingestToken, report, 90);
const seconds = ((performance.now() - started) / 1000).toFixed(1);

const overview = (await api(dash, adminToken, 'GET', '/api/v1/services')) as { services?: { name: string; open: Record<string, number>; lastSnapshotAt: string | null }[] };
const shown = overview.services ?? [];
const missing = services.filter((s) => !shown.some((x) => x.name === s));
if (missing.length) fail(`the dashboard does not list ${missing.join(', ')} after ingest`);
// What the terminal printed is what the overview says: today's open critical findings, per service.
const todayCritical = report.findings.filter((f) => f.severity === 'critical' && f.status !== 'suppressed').length;
const shownCritical = shown.reduce((n, s) => n + (s.open.critical ?? 0), 0);
if (shownCritical !== todayCritical) fail(`the overview shows ${shownCritical} open critical findings; today's scan has ${todayCritical}`);

console.log(`\n=== The dashboard\n`);
console.log(`Ingested ${seeded.scans} scans through POST /api/v1/scans in ${seconds} s: 90 days of nightly snapshots and some PR scans`);
console.log(`of ${services.join(', ')}, made of the example's own ${seeded.findings} findings, then today's scan as the latest snapshot:`);
console.log(`the overview shows the ${todayCritical} open critical finding${todayCritical === 1 ? '' : 's'} printed above.`);
console.log(`  Database:    ${dbPath}`);

if (values['no-serve']) {
  // Nothing keeps running, so no address or token to print.
  await dash.close();
  console.log('\nNot serving (--no-serve). Run `npm run demo` to browse the dashboard.');
} else {
  console.log(`\n  Open:        ${dash.url}`);
  console.log(`  Log in with: ${adminToken}   (a demo admin token for this local database only)`);
  console.log('\nServing until Ctrl-C.');
}
