// The week panel's statements that read every service (issue 14, 10 million findings): the oldest
// open findings by each severity's first few, and each service's posture day by one index probe,
// instead of sorting every open finding and grouping every posture row. Random histories on both
// backends: the new statements return the same rows as the ones they replaced (kept here as the
// oracle), ties of opened_at (one ingest opens many findings at once) and triage included.
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { SEVERITIES, type Severity } from '../../../src/findings/finding.js';
import { SEVERITY_RANK } from '../../../src/findings/severity.js';
import { numberPlaceholders } from '../../../dashboard/store/exploit.js';
import { addDays } from '../../../dashboard/store/days.js';
import { toTriageRecord } from '../../../dashboard/store/triage.js';
import type { Store } from '../../../dashboard/store/types.js';
import { changePostureSql, OLDEST_OPEN_LIMIT, OLDEST_OPEN_SQL } from '../../../dashboard/store/week.js';
import { BACKENDS, freshStoreEach } from './backends.js';
import { makeReport, type FindingSpec } from './report-builder.js';

// The statements of before, as the oracle.
const WORST_FIRST = `CASE f.severity ${SEVERITIES.map((s) => `WHEN '${s}' THEN ${SEVERITY_RANK[s] * 10 + (s === 'unknown' ? 0 : 1)}`).join(' ')} END DESC`;
const OLD_OLDEST_OPEN_SQL = `SELECT s.name AS service, f.fingerprint, f.title, f.severity, f.opened_at
  FROM findings_triaged t JOIN findings f ON f.id = t.id JOIN services s ON s.id = f.service_id
  WHERE t.state = 'open' AND t.suppressed = 0 ORDER BY f.opened_at ASC, ${WORST_FIRST}, f.id ASC LIMIT ?`;
function oldChangePostureSql(which: 'baseline' | 'first' | 'latest', oneService: boolean): string {
  const conditions = [...(which === 'baseline' ? ['x.snapshot_at < ?'] : []), ...(oneService ? ['x.service_id = (SELECT id FROM services WHERE name = ?)'] : [])];
  const pick = `SELECT x.service_id, ${which === 'first' ? 'min' : 'max'}(x.day) AS day FROM posture_daily x${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''} GROUP BY x.service_id`;
  return `SELECT s.name AS service, p.day, p.critical, p.high, p.medium, p.low, p.info, p.unknown FROM (${pick}) m JOIN posture_daily p ON p.service_id = m.service_id AND p.day = m.day JOIN services s ON s.id = p.service_id`;
}

/** A deterministic random sequence (the same history on both backends). */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe.each(BACKENDS)('%s store: the week statements over every service', (backend) => {
  let store: Store;
  freshStoreEach(backend, (s) => (store = s));
  const all = async (sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> => {
    if ('db' in store) return (store as unknown as { db: Database.Database }).db.prepare(sql).all(...params) as Record<string, unknown>[];
    return (await (store as unknown as { pool: pg.Pool }).pool.query(numberPlaceholders(sql), params)).rows;
  };
  /** Rows in a stable order, numbers as numbers (PostgreSQL returns some as strings). */
  const canonical = (rows: Record<string, unknown>[]) =>
    rows.map((r) => JSON.stringify(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && /^\d+$/.test(v) && k !== 'day' ? Number(v) : v]))).sort();

  it('returns the same rows as the statements they replaced, over random histories with ties, suppression, triage and PR-only services', async () => {
    const rnd = random(11);
    const services = ['alpha', 'beta', 'gamma', 'delta'];
    const fps = Array.from({ length: 14 }, (_, i) => `f${String(i).padStart(2, '0')}xx`);
    const severityOf = new Map<string, Severity>();
    const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
    // A service only PR scans ever saw: no posture row, no change row.
    await store.ingestScan(makeReport({ scanId: 'pr-only', createdAt: '2026-01-03T10:00:00.000Z', kind: 'pr', services: ['pronly'], findings: [{ fp: 'prxxxxx', service: 'pronly', severity: 'critical' }] }), 'test');
    let step = 0;
    const checks: { since: string; now: Date }[] = [];
    for (let d = 1; d <= 40; d++) {
      const dayText = addDays('2025-12-31', d);
      for (const service of services) {
        if (rnd() < 0.35) continue;
        // Several snapshots some days (the day's posture row is the latest's); hours repeat across services.
        const times = rnd() < 0.3 ? 2 : 1;
        for (let k = 0; k < times; k++) {
          const at = `${dayText}T${String(6 + k * 5 + Math.floor(rnd() * 3)).padStart(2, '0')}:00:00.000Z`;
          const findings: FindingSpec[] = fps
            .filter(() => rnd() < 0.45)
            .map((fp) => {
              const key = `${service}/${fp}`;
              if (!severityOf.has(key) || rnd() < 0.1) severityOf.set(key, pick(SEVERITIES));
              return { fp, service, severity: severityOf.get(key), suppressed: rnd() < 0.1 };
            });
          await store.ingestScan(makeReport({ scanId: `s${step++}`, createdAt: at, services: [service], findings }), 'test');
        }
      }
      if (d % 5 === 0) {
        const now = new Date(`${dayText}T23:00:00.000Z`);
        // Triage some open findings (taking them out of the oldest open), clear others.
        const service = pick(services);
        const open = (await store.listFindings({ service, state: 'open', limit: 100, offset: 0 }, now)).items;
        if (open.length > 0) {
          await store.setTriage(service, [pick(open).fingerprint], toTriageRecord({ status: 'false_positive', reason: 'fixture' }, 'alice', now), 'test', now);
        }
        checks.push({ since: new Date(now.getTime() - 7 * 86_400_000).toISOString(), now });
        checks.push({ since: `${dayText}T06:00:00.000Z`, now });
      }
    }
    checks.push({ since: '2025-12-01T00:00:00.000Z', now: new Date('2026-03-01T00:00:00.000Z') });
    checks.push({ since: '2026-06-01T00:00:00.000Z', now: new Date('2026-06-02T00:00:00.000Z') });

    let compared = 0;
    const oldest = await all(OLDEST_OPEN_SQL);
    expect(oldest.length).toBe(OLDEST_OPEN_LIMIT);
    expect(oldest).toEqual(await all(OLD_OLDEST_OPEN_SQL, [OLDEST_OPEN_LIMIT]));
    for (const { since } of checks) {
      for (const which of ['baseline', 'first', 'latest'] as const) {
        const before = which === 'baseline' ? [since] : [];
        const got = await all(changePostureSql(which, false), before);
        expect(canonical(got), `${which} since ${since}`).toEqual(canonical(await all(oldChangePostureSql(which, false), before)));
        compared += got.length;
        for (const one of [...services, 'pronly', 'nobody']) {
          const params = [...before, one];
          expect(canonical(await all(changePostureSql(which, true), params)), `${which} ${one} since ${since}`).toEqual(canonical(await all(oldChangePostureSql(which, true), params)));
        }
      }
    }
    // The histories gave the statements something to find.
    expect(compared).toBeGreaterThan(100);
    // And the store's answers through them: the oldest open findings as the old statement lists them.
    const week = await store.weekSummary('2026-01-20T00:00:00.000Z', 10);
    expect(week.oldestOpen.map((f) => `${f.service}/${f.fingerprint}`)).toEqual((await all(OLD_OLDEST_OPEN_SQL, [OLDEST_OPEN_LIMIT])).map((r) => `${r.service}/${r.fingerprint}`));
  });

  it('lists the oldest open findings across severities when one severity holds more than the limit at one instant', async () => {
    // Ten findings of each severity opened by one ingest (the same instant), some suppressed or triaged.
    const at = '2026-02-01T09:00:00.000Z';
    const findings: FindingSpec[] = SEVERITIES.flatMap((severity, i) => Array.from({ length: 10 }, (_, k) => ({ fp: `t${i}${k}xxxx`, severity, suppressed: k === 0 })));
    await store.ingestScan(makeReport({ scanId: 'tie', createdAt: at, findings }), 'test');
    await store.ingestScan(makeReport({ scanId: 'late', createdAt: '2026-02-02T09:00:00.000Z', services: ['late'], findings: [{ fp: 'latexxx', service: 'late', severity: 'critical' }] }), 'test');
    const now = new Date('2026-02-03T00:00:00.000Z');
    await store.setTriage('payments', ['fp-t01xxxx', 'fp-t02xxxx'], toTriageRecord({ status: 'accepted_risk', reason: 'fixture', owner: 'sec-team', until: '2026-12-01' }, 'alice', now), 'test', now);
    const got = await all(OLDEST_OPEN_SQL);
    expect(got).toEqual(await all(OLD_OLDEST_OPEN_SQL, [OLDEST_OPEN_LIMIT]));
    // All critical, the suppressed and triaged ones left out.
    expect(got.map((r) => r.fingerprint)).toEqual(['fp-t03xxxx', 'fp-t04xxxx', 'fp-t05xxxx', 'fp-t06xxxx', 'fp-t07xxxx']);
  });
});
