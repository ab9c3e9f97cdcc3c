// `npm run demo` is the first thing a newcomer runs: prove it end to end as a child process, the way
// the README says (scan of examples/, failing gate with reasons, dashboard with 90 days of history).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

describe('npm run demo', () => {
  it('scans the example, fails the gate with readable reasons and fills the dashboard through its API', () => {
    const run = spawnSync(process.execPath, ['scripts/demo.mjs', '--no-serve'], {
      cwd: root,
      encoding: 'utf8',
      // Port 0 would be nicer, but the demo prints a fixed URL; it falls back to a free port when 8080 is taken.
      env: { ...process.env, NO_COLOR: '1' },
      timeout: 240_000,
    });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.status, output.slice(-3000)).toBe(0);
    expect(output).toContain('Gate failed');
    expect(output).toMatch(/critical findings? in billing-worker: CVE-/);
    expect(output).toContain('npm-audit (dependency) could not scan orders-api');
    expect(output).toMatch(/Ingested \d{3} scans \(90 days/);
    expect(output).toMatch(/Open: +http:\/\/127\.0\.0\.1:\d+\//);
    expect(run.stdout.trimEnd().endsWith('demo: OK')).toBe(true);

    // The history really is in the SQLite file: 91 nightly snapshots per example service.
    const dbFile = join(root, 'out/demo/dashboard.db');
    expect(existsSync(dbFile)).toBe(true);
    const db = new Database(dbFile, { readonly: true });
    try {
      const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
      expect(count("select count(*) n from scans where kind = 'snapshot'")).toBe(3 * 91);
      // ...and today's scan of examples/, ingested as a PR scan.
      expect(count("select count(*) n from scans where kind = 'pr' and scan_id like 'demo-2%-pr'")).toBe(1);
    } finally {
      db.close();
    }
  }, 300_000);
});
