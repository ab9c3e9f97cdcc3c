// SQLite triage: decisions, their history, the audit entry and the data version in one
// better-sqlite3 transaction (see ../triage.ts for the rules).
import type Database from 'better-sqlite3';
import { labelOf, toTriageDecision, toTriageEvent, triageInForce, type TriageDbRow, type TriageEventDbRow, type TriageRecord, type TriageStore } from '../triage.js';

const DECISION_SELECT = `SELECT s.name AS service, f.fingerprint, f.rule_id, f.title, t.status, t.justification, t.reason, t.owner,
  t.expires_at, t.decided_by, t.decided_at FROM triage t JOIN findings f ON f.id = t.finding_id JOIN services s ON s.id = f.service_id`;

export function createSqliteTriage(db: Database.Database): TriageStore {
  const q = {
    findingId: db.prepare<[string, string], { id: number }>(
      'SELECT f.id FROM findings f JOIN services s ON s.id = f.service_id WHERE s.name = ? AND f.fingerprint = ?',
    ),
    upsert: db.prepare(
      `INSERT INTO triage (finding_id, status, justification, reason, owner, expires_at, decided_by, decided_at)
       VALUES (@id, @status, @justification, @reason, @owner, @expiresAt, @decidedBy, @at)
       ON CONFLICT (finding_id) DO UPDATE SET status = excluded.status, justification = excluded.justification,
         reason = excluded.reason, owner = excluded.owner, expires_at = excluded.expires_at,
         decided_by = excluded.decided_by, decided_at = excluded.decided_at`,
    ),
    remove: db.prepare<[number]>('DELETE FROM triage WHERE finding_id = ?'),
    event: db.prepare(
      `INSERT INTO triage_events (finding_id, action, status, justification, reason, owner, expires_at, actor, at)
       VALUES (@id, @action, @status, @justification, @reason, @owner, @expiresAt, @actor, @at)`,
    ),
    audit: db.prepare<[string, string, string, string]>('INSERT INTO audit (at, actor, action, detail) VALUES (?, ?, ?, ?)'),
    bump: db.prepare("UPDATE meta SET value = value + 1 WHERE key = 'data_version'"),
    decisionOf: db.prepare<[number], TriageDbRow>(`${DECISION_SELECT} WHERE t.finding_id = ?`),
    historyOf: db.prepare<[number], TriageEventDbRow>(
      'SELECT action, status, justification, reason, owner, expires_at, actor, at FROM triage_events WHERE finding_id = ? ORDER BY id',
    ),
    all: db.prepare<[], TriageDbRow>(`${DECISION_SELECT} ORDER BY s.name, f.fingerprint`),
    ofService: db.prepare<[string], TriageDbRow>(`${DECISION_SELECT} WHERE s.name = ? ORDER BY f.fingerprint`),
    expired: db.prepare<[string], TriageDbRow & { finding_id: number }>(
      `SELECT t.finding_id, s.name AS service, f.fingerprint, f.rule_id, f.title, t.status, t.justification, t.reason, t.owner,
         t.expires_at, t.decided_by, t.decided_at FROM triage t JOIN findings f ON f.id = t.finding_id JOIN services s ON s.id = f.service_id
       WHERE t.expires_at IS NOT NULL AND t.expires_at <= ?`,
    ),
  };

  const set = db.transaction((service: string, fingerprints: string[], r: TriageRecord, actor: string, at: string) => {
    const missing: string[] = [];
    let applied = 0;
    for (const fp of new Set(fingerprints)) {
      const row = q.findingId.get(service, fp);
      if (!row) {
        missing.push(fp);
        continue;
      }
      const fields = { id: row.id, status: r.status, justification: r.justification, reason: r.reason, owner: r.owner, expiresAt: r.expiresAt };
      q.upsert.run({ ...fields, decidedBy: r.decidedBy, at });
      q.event.run({ ...fields, action: 'set', actor: r.decidedBy, at });
      q.audit.run(at, actor, 'triage.set', JSON.stringify({ service, fingerprint: fp, status: r.status, reason: r.reason, owner: r.owner, expiresAt: r.expiresAt, justification: r.justification }));
      applied++;
    }
    if (applied > 0) q.bump.run();
    return { applied, missing };
  });

  const clear = db.transaction((service: string, fingerprints: string[], actor: string, label: string, at: string) => {
    const missing: string[] = [];
    let applied = 0;
    for (const fp of new Set(fingerprints)) {
      const row = q.findingId.get(service, fp);
      if (!row || q.remove.run(row.id).changes === 0) {
        missing.push(fp);
        continue;
      }
      q.event.run({ id: row.id, action: 'cleared', status: null, justification: null, reason: null, owner: null, expiresAt: null, actor: label, at });
      q.audit.run(at, actor, 'triage.clear', JSON.stringify({ service, fingerprint: fp }));
      applied++;
    }
    if (applied > 0) q.bump.run();
    return { applied, missing };
  });

  const expire = db.transaction((at: string) => {
    const rows = q.expired.all(at);
    for (const r of rows) {
      q.remove.run(r.finding_id);
      q.event.run({ id: r.finding_id, action: 'expired', status: r.status, justification: r.justification, reason: r.reason, owner: r.owner, expiresAt: r.expires_at, actor: 'gatehouse', at });
      q.audit.run(at, 'gatehouse', 'triage.expire', JSON.stringify({ service: r.service, fingerprint: r.fingerprint, owner: r.owner, expiresAt: r.expires_at, decidedBy: r.decided_by }));
    }
    if (rows.length > 0) q.bump.run();
    return rows.length;
  });

  return {
    async setTriage(service, fingerprints, record, actor, now = new Date()) {
      return set(service, fingerprints, record, actor, now.toISOString());
    },
    async clearTriage(service, fingerprints, actor, now = new Date()) {
      return clear(service, fingerprints, actor, labelOf(actor), now.toISOString());
    },
    async getTriage(service, fingerprint, now = new Date()) {
      const row = q.findingId.get(service, fingerprint);
      if (!row) return { current: null, history: [] };
      const d = q.decisionOf.get(row.id);
      return {
        current: d && triageInForce(d.expires_at, now) ? toTriageDecision(d) : null,
        history: q.historyOf.all(row.id).map(toTriageEvent),
      };
    },
    async listTriage(services, now = new Date()) {
      const rows = services === undefined ? q.all.all() : services.flatMap((s) => q.ofService.all(s));
      return rows.filter((r) => triageInForce(r.expires_at, now)).map(toTriageDecision);
    },
    async expireTriage(now = new Date()) {
      return expire(now.toISOString());
    },
  };
}
