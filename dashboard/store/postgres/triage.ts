// PostgreSQL triage: the same rules as sqlite/triage.ts, each change in one transaction.
import type pg from 'pg';
import { labelOf, toTriageDecision, toTriageEvent, triageInForce, type TriageDbRow, type TriageEventDbRow, type TriageResult, type TriageStore } from '../triage.js';

const DECISION_SELECT = `SELECT s.name AS service, f.fingerprint, f.rule_id, f.title, t.status, t.justification, t.reason, t.owner,
  t.expires_at, t.decided_by, t.decided_at FROM triage t JOIN findings f ON f.id = t.finding_id JOIN services s ON s.id = f.service_id`;
const FINDING_ID = 'SELECT f.id FROM findings f JOIN services s ON s.id = f.service_id WHERE s.name = $1 AND f.fingerprint = $2';
const EVENT = `INSERT INTO triage_events (finding_id, action, status, justification, reason, owner, expires_at, actor, at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`;
const AUDIT = 'INSERT INTO audit (at, actor, action, detail) VALUES ($1, $2, $3, $4)';
const BUMP = "UPDATE meta SET value = value + 1 WHERE key = 'data_version'";

/** `written`: called after each commit (the data version may have moved). */
export function createPostgresTriage(pool: pg.Pool, written: () => void = () => undefined): TriageStore {
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
  const findingId = async (db: pg.Pool | pg.PoolClient, service: string, fp: string) =>
    (await db.query<{ id: string }>(FINDING_ID, [service, fp])).rows[0]?.id;

  return {
    async setTriage(service, fingerprints, r, actor, now = new Date()) {
      const at = now.toISOString();
      return inTransaction(async (client): Promise<TriageResult> => {
        const missing: string[] = [];
        let applied = 0;
        for (const fp of new Set(fingerprints)) {
          const id = await findingId(client, service, fp);
          if (id === undefined) {
            missing.push(fp);
            continue;
          }
          await client.query(
            `INSERT INTO triage (finding_id, status, justification, reason, owner, expires_at, decided_by, decided_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (finding_id) DO UPDATE SET status = excluded.status, justification = excluded.justification,
               reason = excluded.reason, owner = excluded.owner, expires_at = excluded.expires_at,
               decided_by = excluded.decided_by, decided_at = excluded.decided_at`,
            [id, r.status, r.justification, r.reason, r.owner, r.expiresAt, r.decidedBy, at],
          );
          await client.query(EVENT, [id, 'set', r.status, r.justification, r.reason, r.owner, r.expiresAt, r.decidedBy, at]);
          await client.query(AUDIT, [at, actor, 'triage.set', JSON.stringify({ service, fingerprint: fp, status: r.status, reason: r.reason, owner: r.owner, expiresAt: r.expiresAt, justification: r.justification })]);
          applied++;
        }
        if (applied > 0) await client.query(BUMP);
        return { applied, missing };
      });
    },

    async clearTriage(service, fingerprints, actor, now = new Date()) {
      const at = now.toISOString();
      return inTransaction(async (client): Promise<TriageResult> => {
        const missing: string[] = [];
        let applied = 0;
        for (const fp of new Set(fingerprints)) {
          const id = await findingId(client, service, fp);
          if (id === undefined || ((await client.query('DELETE FROM triage WHERE finding_id = $1', [id])).rowCount ?? 0) === 0) {
            missing.push(fp);
            continue;
          }
          await client.query(EVENT, [id, 'cleared', null, null, null, null, null, labelOf(actor), at]);
          await client.query(AUDIT, [at, actor, 'triage.clear', JSON.stringify({ service, fingerprint: fp })]);
          applied++;
        }
        if (applied > 0) await client.query(BUMP);
        return { applied, missing };
      });
    },

    async getTriage(service, fingerprint, now = new Date()) {
      const id = await findingId(pool, service, fingerprint);
      if (id === undefined) return { current: null, history: [] };
      const d = (await pool.query<TriageDbRow>(`${DECISION_SELECT} WHERE t.finding_id = $1`, [id])).rows[0];
      const history = (
        await pool.query<TriageEventDbRow>('SELECT action, status, justification, reason, owner, expires_at, actor, at FROM triage_events WHERE finding_id = $1 ORDER BY id', [id])
      ).rows;
      return { current: d && triageInForce(d.expires_at, now) ? toTriageDecision(d) : null, history: history.map(toTriageEvent) };
    },

    async listTriage(services, now = new Date()) {
      const rows =
        services === undefined
          ? (await pool.query<TriageDbRow>(`${DECISION_SELECT} ORDER BY s.name, f.fingerprint`)).rows
          : (await pool.query<TriageDbRow>(`${DECISION_SELECT} WHERE s.name = ANY($1::text[]) ORDER BY s.name, f.fingerprint`, [services])).rows;
      return rows.filter((r) => triageInForce(r.expires_at, now)).map(toTriageDecision);
    },

    async expireTriage(now = new Date()) {
      const at = now.toISOString();
      return inTransaction(async (client) => {
        // Rows locked, so two processes sweeping at once expire each acceptance once.
        const rows = (
          await client.query<TriageDbRow & { finding_id: string }>(
            `SELECT t.finding_id, s.name AS service, f.fingerprint, f.rule_id, f.title, t.status, t.justification, t.reason, t.owner,
               t.expires_at, t.decided_by, t.decided_at FROM triage t JOIN findings f ON f.id = t.finding_id JOIN services s ON s.id = f.service_id
             WHERE t.expires_at IS NOT NULL AND t.expires_at <= $1 FOR UPDATE OF t SKIP LOCKED`,
            [at],
          )
        ).rows;
        for (const r of rows) {
          await client.query('DELETE FROM triage WHERE finding_id = $1', [r.finding_id]);
          await client.query(EVENT, [r.finding_id, 'expired', r.status, r.justification, r.reason, r.owner, r.expires_at, 'gatehouse', at]);
          await client.query(AUDIT, [at, 'gatehouse', 'triage.expire', JSON.stringify({ service: r.service, fingerprint: r.fingerprint, owner: r.owner, expiresAt: r.expires_at, decidedBy: r.decided_by })]);
        }
        if (rows.length > 0) await client.query(BUMP);
        return rows.length;
      });
    },
  };
}
