// Issue 10: secret fingerprints no longer hash the value (the scanner's anchor instead). A dashboard
// with history must not see every secret fixed and opened again at the upgrade: a stored open secret
// of the same tool, rule and file takes the new fingerprint (both backends), and later scans find it
// by that fingerprint.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { carryOverSecrets, type PriorFinding } from '../../../dashboard/store/lifecycle.js';
import type { Store } from '../../../dashboard/store/types.js';
import type { Finding } from '../../../src/findings/finding.js';
import { BACKENDS, openTestStore, storeLocation } from './backends.js';
import { day, makeReport, type FindingSpec } from './report-builder.js';

function secret(fp: string, line: number, anchor: boolean, path = 'config/app.env'): FindingSpec {
  return {
    fp,
    tool: 'gatehouse-secrets',
    category: 'secret',
    extra: {
      ruleId: 'github-pat',
      title: 'GitHub personal access token',
      location: { path, startLine: line },
      secretPreview: 'ghp_****',
      fixAvailable: false,
      fix: undefined,
      ...(anchor ? { secret: { context: 'code', occurrences: 1, lines: [line], anchor: `${fp.charCodeAt(0).toString(16)}`.padEnd(64, 'a') } } : {}),
    },
  };
}
const scanners = [{ tool: 'gatehouse-secrets', category: 'secret' as const }];

describe('carryOverSecrets (pure)', () => {
  const prior = (fp: string, where: string, state: 'open' | 'fixed' = 'open'): PriorFinding => ({
    fingerprint: fp, state, openedAt: day('2026-01-01'), severity: 'high', tool: 'gatehouse-secrets', category: 'secret', suppressed: false, ruleId: 'github-pat', where,
  });
  const found = (fp: string, line: number, anchor = true) =>
    ({ fingerprint: fp, tool: 'gatehouse-secrets', category: 'secret', ruleId: 'github-pat', location: { path: 'config/app.env', startLine: line }, ...(anchor ? { secret: { context: 'code', occurrences: 1, lines: [line], anchor: 'a'.repeat(64) } } : {}) }) as unknown as Finding;

  it('pairs the same line first, then the same file; never a fixed one, never one still reported, never without an anchor', () => {
    const stored = new Map([
      ['old-1', prior('old-1', 'config/app.env:2')],
      ['old-2', prior('old-2', 'config/app.env:9')],
      ['old-3', prior('old-3', 'config/app.env:5', 'fixed')],
    ]);
    const mine = new Map([
      ['new-b', found('new-b', 10)],
      ['new-a', found('new-a', 2)],
      ['new-c', found('new-c', 7)],
    ]);
    const pairs = Object.fromEntries([...carryOverSecrets(mine, stored)].map(([k, v]) => [k, v.fingerprint]));
    expect(pairs).toEqual({ 'new-a': 'old-1', 'new-b': 'old-2' });
    expect(carryOverSecrets(new Map([['new-x', found('new-x', 2, false)]]), stored).size).toBe(0);
  });
});

describe.each(BACKENDS)('%s store: the secret fingerprint migration', (backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    const loc = await storeLocation(backend);
    cleanup = loc.cleanup;
    store = await openTestStore(loc.location);
  });
  afterEach(async () => {
    await store.close();
    await cleanup();
  });

  it('an upgraded scanner does not fix and reopen every secret; later scans find it by the new fingerprint', async () => {
    const first = await store.ingestScan(makeReport({ scanId: 's1', createdAt: day('2026-01-01'), scanners, findings: [secret('old-secret-1', 2, false), secret('old-secret-2', 4, false)] }), 't');
    expect(first.opened).toBe(2);
    // The new scanner: other fingerprints (anchors), one secret moved down two lines.
    const upgraded = await store.ingestScan(makeReport({ scanId: 's2', createdAt: day('2026-01-02'), scanners, findings: [secret('new-secret-1', 2, true), secret('new-secret-2', 6, true)] }), 't');
    expect({ opened: upgraded.opened, fixed: upgraded.fixed, reopened: upgraded.reopened }).toEqual({ opened: 0, fixed: 0, reopened: 0 });
    const rows = (await store.listFindings({ service: 'payments', limit: 10, offset: 0 })).items;
    expect(rows.map((r) => [r.fingerprint, r.state]).sort()).toEqual([
      ['fp-new-secret-1', 'open'],
      ['fp-new-secret-2', 'open'],
    ]);
    const again = await store.ingestScan(makeReport({ scanId: 's3', createdAt: day('2026-01-03'), scanners, findings: [secret('new-secret-1', 2, true), secret('new-secret-2', 6, true)] }), 't');
    expect({ opened: again.opened, fixed: again.fixed }).toEqual({ opened: 0, fixed: 0 });
    // A secret really removed is still fixed.
    const removed = await store.ingestScan(makeReport({ scanId: 's4', createdAt: day('2026-01-04'), scanners, findings: [secret('new-secret-1', 2, true)] }), 't');
    expect({ opened: removed.opened, fixed: removed.fixed }).toEqual({ opened: 0, fixed: 1 });
  });

  it('a triage decision (keyed by service + fingerprint) follows its secret to the new fingerprint, with its history', async () => {
    await store.ingestScan(makeReport({ scanId: 's1', createdAt: day('2026-01-01'), scanners, findings: [secret('old-secret-1', 2, false)] }), 't');
    const at = new Date('2026-01-01T13:00:00Z');
    const r = await store.setTriage('payments', ['fp-old-secret-1'], { status: 'false_positive', reason: 'a test key', owner: null, expiresAt: null, justification: null, decidedBy: 'alice' }, 'session:tok_1 (alice)', at);
    expect(r.applied).toBe(1);
    await store.ingestScan(makeReport({ scanId: 's2', createdAt: day('2026-01-02'), scanners, findings: [secret('new-secret-1', 2, true)] }), 't');
    expect((await store.listTriage(['payments'], at)).map((d) => [d.fingerprint, d.status])).toEqual([['fp-new-secret-1', 'false_positive']]);
    expect((await store.getTriage('payments', 'fp-new-secret-1', at)).history.map((e) => e.action)).toEqual(['set']);
    const row = (await store.listFindings({ service: 'payments', limit: 10, offset: 0 }, at)).items[0];
    expect(row.triage?.status).toBe('false_positive');
  });
});
