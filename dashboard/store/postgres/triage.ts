// PostgreSQL triage: the same rules as sqlite/triage.ts (decisions keyed by service and fingerprint),
// each change in one transaction.
import type pg from 'pg';
import { VERSION_BUMP_POSTGRES, VERSION_LOCK_POSTGRES } from '../versions.js';
import { labelOf, toTriageDecision, toTriageEvent, triageInForce, type TriageDbRow, type TriageEventDbRow, type TriageResult, type TriageStore } from '../triage.js';
import { numberPlaceholders } from '../exploit.js';
import { SUMMARY_REFRESH_SQL } from '../summary.js';

const DECISION_SELECT = `SELECT s.name AS service, t.fingerprint, t.rule_id, t.title, t.status, t.justification, t.reason, t.owner,
  t.expires_at, t.decided_by, t.decided_at FROM triage t JOIN services s ON s.id = t.service_id`;
// What the decision is about: the finding row, else the latest failing PR scan that blocked on it.
const SUBJECT = `SELECT rule_id, title FROM (
    SELECT rule_id, title, 0 AS pref, 0::bigint AS scan_pk FROM findings WHERE service_id = $1 AND fingerprint = $2
    UNION ALL
    SELECT rule_id, title, 1 AS pref, scan_pk FROM pr_findings WHERE service_id = $1 AND fingerprint = $2
  ) x ORDER BY pref, scan_pk DESC LIMIT 1`;
const EVENT = `INSERT INTO triage_events (service_id, fingerprint, action, status, justification, reason, owner, expires_at, actor, at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;
const AUDIT = 'INSERT INTO audit (at, actor, action, detail) VALUES ($1, $2, $3, $4)';
// A decision in force counts its finding like a suppression: the service's summary moves with it.
const REFRESH_SUMMARY = numberPlaceholders(SUMMARY_REFRESH_SQL);

/** `written`: called after each commit (the data version may have moved). */
export function createPostgresTriage(pool: pg.Pool, written: () => void = () => undefined): TriageStore {
  /**
   * Decisions of these services (ids as pg returns bigint) changed: their summaries, then the versions (nothing when none).
   * The version lock comes first, so each refresh reads after the previous writer's commit.
   */
  async function changedServices(client: pg.PoolClient, serviceIds: string[]): Promise<void> {
    if (serviceIds.length === 0) return;
    await client.query(VERSION_LOCK_POSTGRES);
    for (const id of new Set(serviceIds)) await client.query(REFRESH_SUMMARY, [id, id]);
    await client.query(VERSION_BUMP_POSTGRES, [serviceIds]);
  }

  async function inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const out = await work(client);
      await client.query('COMMIT');
      written();
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
  const serviceIdOf = async (db: pg.Pool | pg.PoolClient, service: string) =>
    (await db.query<{ id: string }>('SELECT id FROM services WHERE name = $1', [service])).rows[0]?.id;

  return {
    async setTriage(service, fingerprints, r, actor, now = new Date()) {
      const at = now.toISOString();
      return inTransaction(async (client): Promise<TriageResult> => {
        const missing: string[] = [];
        let applied = 0;
        const serviceId = await serviceIdOf(client, service);
        for (const fp of new Set(fingerprints)) {
          const subject = serviceId === undefined ? undefined : (await client.query<{ rule_id: string; title: string }>(SUBJECT, [serviceId, fp])).rows[0];
          if (serviceId === undefined || !subject) {
            missing.push(fp);
            continue;
          }
          await client.query(
            `INSERT INTO triage (service_id, fingerprint, rule_id, title, status, justification, reason, owner, expires_at, decided_by, decided_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (service_id, fingerprint) DO UPDATE SET rule_id = excluded.rule_id, title = excluded.title,
               status = excluded.status, justification = excluded.justification,
               reason = excluded.reason, owner = excluded.owner, expires_at = excluded.expires_at,
               decided_by = excluded.decided_by, decided_at = excluded.decided_at`,
            [serviceId, fp, subject.rule_id, subject.title, r.status, r.justification, r.reason, r.owner, r.expiresAt, r.decidedBy, at],
          );
          await client.query(EVENT, [serviceId, fp, 'set', r.status, r.justification, r.reason, r.owner, r.expiresAt, r.decidedBy, at]);
          await client.query(AUDIT, [at, actor, 'triage.set', JSON.stringify({ service, fingerprint: fp, status: r.status, reason: r.reason, owner: r.owner, expiresAt: r.expiresAt, justification: r.justification })]);
          applied++;
        }
        if (applied > 0) await changedServices(client, [serviceId]);
        return { applied, missing };
      });
    },

    async clearTriage(service, fingerprints, actor, now = new Date()) {
      const at = now.toISOString();
      return inTransaction(async (client): Promise<TriageResult> => {
        const missing: string[] = [];
        let applied = 0;
        const serviceId = await serviceIdOf(client, service);
        for (const fp of new Set(fingerprints)) {
          if (serviceId === undefined || ((await client.query('DELETE FROM triage WHERE service_id = $1 AND fingerprint = $2', [serviceId, fp])).rowCount ?? 0) === 0) {
            missing.push(fp);
            continue;
          }
          await client.query(EVENT, [serviceId, fp, 'cleared', null, null, null, null, null, labelOf(actor), at]);
          await client.query(AUDIT, [at, actor, 'triage.clear', JSON.stringify({ service, fingerprint: fp })]);
          applied++;
        }
        if (applied > 0) await changedServices(client, [serviceId]);
        return { applied, missing };
      });
    },

    async getTriage(service, fingerprint, now = new Date()) {
      const serviceId = await serviceIdOf(pool, service);
      if (serviceId === undefined) return { current: null, history: [] };
      const d = (await pool.query<TriageDbRow>(`${DECISION_SELECT} WHERE t.service_id = $1 AND t.fingerprint = $2`, [serviceId, fingerprint])).rows[0];
      const history = (
        await pool.query<TriageEventDbRow>(
          'SELECT action, status, justification, reason, owner, expires_at, actor, at FROM triage_events WHERE service_id = $1 AND fingerprint = $2 ORDER BY id',
          [serviceId, fingerprint],
        )
      ).rows;
      return { current: d && triageInForce(d.expires_at, now) ? toTriageDecision(d) : null, history: history.map(toTriageEvent) };
    },

    async listTriage(services, now = new Date()) {
      const rows =
        services === undefined
          ? (await pool.query<TriageDbRow>(`${DECISION_SELECT} ORDER BY s.name, t.fingerprint`)).rows
          : (await pool.query<TriageDbRow>(`${DECISION_SELECT} WHERE s.name = ANY($1::text[]) ORDER BY s.name, t.fingerprint`, [services])).rows;
      return rows.filter((r) => triageInForce(r.expires_at, now)).map(toTriageDecision);
    },

    async expireTriage(now = new Date()) {
      const at = now.toISOString();
      return inTransaction(async (client) => {
        // Rows locked, so two processes sweeping at once expire each acceptance once.
        const rows = (
          await client.query<TriageDbRow & { service_id: string }>(
            `SELECT t.service_id, s.name AS service, t.fingerprint, t.rule_id, t.title, t.status, t.justification, t.reason, t.owner,
               t.expires_at, t.decided_by, t.decided_at FROM triage t JOIN services s ON s.id = t.service_id
             WHERE t.expires_at IS NOT NULL AND t.expires_at <= $1 FOR UPDATE OF t SKIP LOCKED`,
            [at],
          )
        ).rows;
        for (const r of rows) {
          await client.query('DELETE FROM triage WHERE service_id = $1 AND fingerprint = $2', [r.service_id, r.fingerprint]);
          await client.query(EVENT, [r.service_id, r.fingerprint, 'expired', r.status, r.justification, r.reason, r.owner, r.expires_at, 'gatehouse', at]);
          await client.query(AUDIT, [at, 'gatehouse', 'triage.expire', JSON.stringify({ service: r.service, fingerprint: r.fingerprint, owner: r.owner, expiresAt: r.expires_at, decidedBy: r.decided_by })]);
        }
        await changedServices(client, rows.map((r) => r.service_id));
        return rows.length;
      });
    },
  };
}
