// A store of the fixture history for each test of a suite: a SQLite file in a temporary folder,
// closed and removed after the test, and the page warmers the test's apps armed their timers on
// (page-warmer.ts followDays, followPeriods) stopped before it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { PageWarmer } from '../../dashboard/page-warmer.js';
import { openStore } from '../../dashboard/store/store.js';
import type { Store } from '../../dashboard/store/types.js';
import { historyReports } from './pages/fixtures.js';
import { NOW } from './pages/harness.js';

export function historyStoreEach(folderPrefix: string): {
  /** A new store with the fixture history ingested (as of NOW). */
  open(): Promise<Store>;
  /** A page warmer, stopped after the test. */
  warmer(...args: ConstructorParameters<typeof PageWarmer>): PageWarmer;
} {
  const opened: { dir: string; store: Store }[] = [];
  const warmers: PageWarmer[] = [];
  afterEach(async () => {
    for (const w of warmers.splice(0)) w.stop();
    for (const { dir, store } of opened.splice(0)) {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
  return {
    async open() {
      const dir = mkdtempSync(join(tmpdir(), folderPrefix));
      const store = await openStore(join(dir, 'dashboard.db'));
      opened.push({ dir, store });
      for (const r of historyReports(NOW)) await store.ingestScan(r, 'test');
      return store;
    },
    warmer(...args) {
      const w = new PageWarmer(...args);
      warmers.push(w);
      return w;
    },
  };
}
