// The cache's budget as an operator sets it (cacheMegabytes, in the --config file or startDashboard)
// or leaves it to grow with the services (cache-budget.ts), through a real dashboard on a SQLite
// file: the work ahead on start covers every service and says within which budget.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runDashboardCli, startDashboard, type RunningDashboard } from '../../dashboard/server.js';
import { openStore } from '../../dashboard/store/store.js';
import { createMemoryLogger } from '../../src/logger.js';
import { historyReports } from './pages/fixtures.js';

describe('the cache budget of a dashboard', () => {
  const dirs: string[] = [];
  const running: RunningDashboard[] = [];
  afterEach(async () => {
    for (const d of running.splice(0)) await d.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** A SQLite file with the fixture history (3 services). */
  async function seeded(): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-budget-'));
    dirs.push(dir);
    const db = join(dir, 'dashboard.db');
    const store = await openStore(db);
    for (const r of historyReports(new Date())) await store.ingestScan(r, 'test');
    await store.close();
    return db;
  }

  /** Starts a dashboard and returns the work ahead's line once it is said. */
  async function startLine(db: string, cacheMegabytes?: number): Promise<string> {
    const logger = createMemoryLogger();
    running.push(await startDashboard({ db, port: 0, adminToken: 'admin-token-for-tests-0123456789', print: () => undefined, logger, cacheMegabytes }));
    return vi.waitFor(
      () => {
        const line = logger.lines.find((l) => l.startsWith('work ahead on start'));
        if (!line) throw new Error('not yet');
        return line;
      },
      { timeout: 20_000, interval: 50 },
    );
  }

  it('by default grows from 48 MB with the services, and warms every service', async () => {
    const line = await startLine(await seeded());
    expect(line).toMatch(/^work ahead on start: 3 of 3 services in [\d.]+ s, [\d.]+ MB stored \([\d.]+ KB a service; the cache holds [\d.]+ MB of its 48\.0 MB budget\)$/);
  });

  it('keeps the budget an operator sets (cacheMegabytes)', async () => {
    const line = await startLine(await seeded(), 2);
    expect(line).toContain('3 of 3 services');
    expect(line).toContain('of its 2.0 MB budget');
  });

  it('refuses a budget that is not a positive whole number of megabytes, naming the key', async () => {
    const db = await seeded();
    await expect(startDashboard({ db, port: 0, print: () => undefined, logger: createMemoryLogger(), cacheMegabytes: 0.5 })).rejects.toThrow(/^cacheMegabytes: not a positive whole number of megabytes: 0\.5$/);
    const config = join(dirs[0], 'config.json');
    writeFileSync(config, JSON.stringify({ cacheMegabytes: -1 }));
    await expect(runDashboardCli(['--db', db, '--port', '0', '--config', config])).rejects.toThrow(/config\.json: cacheMegabytes: /);
  });
});
