#!/usr/bin/env node
// `npm run demo`: scans the bundled example repository (examples/: three microservices with
// planted problems) with the real CLI and shows the failing gate with its reasons, then starts the
// dashboard with a 90-day history of the example services and prints its URL.
//
// Exit status: 0 when the demo ran as intended (the gate failing on the planted problems IS the
// show), non-zero when something broke (the CLI crashed, the gate unexpectedly passed, a report is
// missing or invalid, the embedded secret scanner did not run).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'out', 'demo');

function heading(text) {
  console.log(`\n=== ${text}\n`);
}

function fail(message) {
  console.error(`\ndemo: FAILED: ${message}`);
  process.exit(1);
}

/**
 * Part 1: scan examples/ with `gatehouse scan`, writing every report format to out/demo/.
 * Returns the JSON report (the body the dashboard ingests) and its path.
 */
function scanExample() {
  heading('gatehouse scan examples  (3 services; trivy and semgrep imported from recorded reports; npm audit, the secret scanner and the deployment/CI policy checks really run)');
  mkdirSync(outDir, { recursive: true });
  const args = [
    '--import',
    'tsx',
    join(root, 'src/cli/main.ts'),
    'scan',
    join(root, 'examples'),
    '--format',
    'json,sarif,markdown,text',
    '--output-dir',
    outDir,
    '--scan-id',
    `demo-${new Date().toISOString().replace(/[:.]/g, '-')}`,
  ];
  const run = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (run.error) fail(`could not start the CLI: ${run.error.message}`);
  // 1 = the gate failed, which is what the planted problems must cause.
  if (run.status !== 1) {
    fail(
      run.status === 0
        ? 'the gate passed, but the example has planted problems that must fail it'
        : `the CLI exited with ${run.status ?? run.signal} (2 = usage/config error, 3 = only scanner errors); expected 1 (gate failed)`,
    );
  }

  const reportPath = join(outDir, 'gatehouse-report.json');
  for (const name of ['gatehouse-report.json', 'gatehouse-report.sarif', 'gatehouse-report.md', 'gatehouse-report.txt']) {
    if (!existsSync(join(outDir, name))) fail(`the CLI did not write ${relative(root, join(outDir, name))}`);
  }
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  if (report.schema !== 'gatehouse/scan-report' || report.gate?.outcome !== 'failed') {
    fail(`unexpected report in ${relative(root, reportPath)} (outcome ${report.gate?.outcome})`);
  }
  const secrets = report.scanners.filter((s) => s.scanner === 'gatehouse-secrets');
  const secretServices = new Set(secrets.map((s) => s.service));
  const everyService = ['orders-api', 'billing-worker', 'edge-proxy', '(root)'].every((name) => secretServices.has(name));
  if (!everyService || secrets.some((s) => s.status !== 'ok')) {
    fail('the embedded secret scanner did not run cleanly on the three services and the root files');
  }

  // The planted credentials must not appear in any report (checked, not just claimed).
  const planted = plantedSecrets();
  for (const name of ['gatehouse-report.json', 'gatehouse-report.sarif', 'gatehouse-report.md', 'gatehouse-report.txt']) {
    const text = readFileSync(join(outDir, name), 'utf8');
    const leaked = planted.filter((secret) => text.includes(secret));
    if (leaked.length) fail(`${name} contains ${leaked.length} planted secret value(s)`);
  }

  heading('What happened');
  const reasons = report.gate.reasons;
  console.log(`The gate failed with ${reasons.length} reasons (exit code 1), as intended for the planted problems.`);
  for (const kind of ['severity', 'expired-suppression', 'scanner-error', 'max-count']) {
    const n = reasons.filter((r) => r.kind === kind).length;
    if (n) console.log(`  ${n} x ${kind}`);
  }
  const audit = report.scanners.find((s) => s.scanner === 'npm-audit');
  if (audit?.status === 'error') {
    console.log(
      '\nnpm audit really ran on services/orders-api and failed (on our build machines the registry answers\n' +
        'its audit endpoint with HTTP 405). The gate reports that as a scanner error and fails closed: it never\n' +
        'counts a scanner that could not run as a pass. With internet access npm audit finds lodash and minimist.',
    );
  } else if (audit) {
    console.log(`\nnpm audit really ran on services/orders-api: ${audit.findingCount} findings.`);
  }
  console.log(
    '\ntrivy (fs and image) and semgrep results were imported from examples/recorded/ (constructed for the\n' +
      'demo in the tools\' real formats; see examples/recorded/README.md); the secret scanner found the planted\n' +
      `fake credentials (${report.findings.filter((f) => f.category === 'secret').length} findings); none of the ${planted.length} planted values is in any report (checked).`,
  );
  console.log(`\nReports: ${relative(root, outDir)}/gatehouse-report.{json,sarif,md,txt}`);
  return { report, reportPath };
}

/** The fake credential values planted in examples/, read from the files themselves. */
function plantedSecrets() {
  const read = (p) => readFileSync(join(root, 'examples', p), 'utf8');
  const settings = read('services/billing-worker/billing/settings.py');
  const env = read('services/billing-worker/.env');
  const proxy = read('services/edge-proxy/config/proxy.yaml');
  const values = [
    /SECRET_KEY = "([^"]+)"/.exec(settings)?.[1],
    /"PASSWORD": "([^"]+)"/.exec(settings)?.[1],
    /AWS_SECRET_ACCESS_KEY = "([^"]+)"/.exec(settings)?.[1],
    /:\/\/billing:([^@]+)@/.exec(env)?.[1],
    /STRIPE_WEBHOOK_SECRET=(\S+)/.exec(env)?.[1],
    /github_token: (\S+)/.exec(proxy)?.[1],
    ...proxy.split('\n').filter((l) => /^\s{4}[A-Za-z0-9+/=]{40,}$/.test(l)).map((l) => l.trim()),
  ];
  if (values.some((v) => !v)) fail('could not read the planted values from examples/ (did the example change?)');
  return values;
}

const { reportPath } = scanExample();

/**
 * Part 2: start the dashboard, ingest a 90-day history for the example services and today's scan
 * through the real HTTP API, print the URL. Serves until Ctrl-C; `npm run demo -- --no-serve` (or
 * CI=true) stops after checking the ingest.
 */
const noServe = process.argv.includes('--no-serve') || process.env.CI === 'true';
const dash = spawnSync(
  process.execPath,
  ['--import', 'tsx', join(root, 'scripts/demo-dashboard.ts'), reportPath, ...(noServe ? ['--no-serve'] : [])],
  { cwd: root, stdio: 'inherit' },
);
if (dash.error) fail(`could not start the dashboard: ${dash.error.message}`);
// 130/143: stopped with Ctrl-C or SIGTERM while serving, which is how the demo ends.
if (dash.status !== 0 && dash.status !== 130 && dash.status !== 143 && dash.signal !== 'SIGINT') {
  fail(`the dashboard part exited with ${dash.status ?? dash.signal}`);
}
if (noServe) console.log('\ndemo: OK');
