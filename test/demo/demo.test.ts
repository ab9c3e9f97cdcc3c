// `npm run demo` is the first thing a newcomer runs: prove it end to end as a child process, the way
// the README says (scan of examples/, failing gate with reasons, dashboard with 90 days of history).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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
    expect(output).toMatch(/Ingested \d{3} scans through POST \/api\/v1\/scans/);
    // --no-serve leaves nothing running: no address to open, no token to log in with.
    expect(output).not.toMatch(/Open:|https?:\/\/127\.0\.0\.1|Log in with|gh_demo_admin_/);
    expect(run.stdout.trimEnd().endsWith('demo: OK')).toBe(true);

    // The history really is in the SQLite file: 91 nightly snapshots per example service.
    const dbFile = join(root, 'out/demo/dashboard.db');
    expect(existsSync(dbFile)).toBe(true);
    const report = JSON.parse(readFileSync(join(root, 'out/demo/gatehouse-report.json'), 'utf8')) as {
      scanId: string;
      services: { name: string }[];
      findings: { fingerprint: string; service: string; severity: string; status: string }[];
    };
    const db = new Database(dbFile, { readonly: true });
    try {
      const count = (sql: string, ...params: unknown[]) => (db.prepare(sql).get(...params) as { n: number }).n;
      // 90 nightly snapshots per service of the example, then today's scan as one more snapshot.
      expect(count("select count(*) n from scans where kind = 'snapshot'")).toBe(report.services.length * 90 + 1);
      // Today's scan is every service's latest snapshot: the dashboard shows what the terminal printed.
      expect(count('select count(*) n from services s join scan_services ss on ss.service_id = s.id join scans sc on sc.id = ss.scan_pk where ss.created_at = s.last_snapshot_at and sc.scan_id = ?', report.scanId)).toBe(report.services.length);
      const critical = report.findings.filter((f) => f.severity === 'critical' && f.status !== 'suppressed').length;
      expect(critical).toBeGreaterThan(0);
      expect(count("select count(*) n from findings_triaged where state = 'open' and severity = 'critical' and suppressed = 0")).toBe(critical);
      // The history holds only the example's own findings (its packages and files), and no run links.
      const known = new Set(report.findings.map((f) => `${f.service}\u0000${f.fingerprint}`));
      const stored = db.prepare('select s.name AS service, f.fingerprint from findings f join services s on s.id = f.service_id').all() as { service: string; fingerprint: string }[];
      expect(stored.filter((f) => !known.has(`${f.service}\u0000${f.fingerprint}`))).toEqual([]);
      expect(count('select count(*) n from scans where run_url is not null')).toBe(0);
    } finally {
      db.close();
    }
  }, 300_000);
});
