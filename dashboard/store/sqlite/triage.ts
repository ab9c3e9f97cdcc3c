// SQLite triage: decisions, their history, the audit entry and the data version in one
// better-sqlite3 transaction (see ../triage.ts for the rules). Decisions are keyed by service and
// fingerprint: a finding a default-branch snapshot brought (a findings row) or one only a failing PR
// scan has seen (a pr_findings row) can be decided; the gate matches on the same key.
import type Database from 'better-sqlite3';
import { sqliteVersionBump } from '../versions.js';
import { labelOf, toTriageDecision, toTriageEvent, triageInForce, type TriageDbRow, type TriageEventDbRow, type TriageRecord, type TriageStore } from '../triage.js';
import { SUMMARY_REFRESH_SQL } from '../summary.js';

const DECISION_SELECT = `SELECT s.name AS service, t.fingerprint, t.rule_id, t.title, t.status, t.justification, t.reason, t.owner,
  t.expires_at, t.decided_by, t.decided_at FROM triage t JOIN services s ON s.id = t.service_id`;

export function createSqliteTriage(db: Database.Database): TriageStore {
  const q = {
    serviceId: db.prepare<[string], { id: number }>('SELECT id FROM services WHERE name = ?'),
    // What the decision is about: the finding row, else the latest failing PR scan that blocked on it.
    subject: db.prepare<[number, string, number, string], { rule_id: string; title: string }>(
      `SELECT rule_id, title FROM (
         SELECT rule_id, title, 0 AS pref, 0 AS scan_pk FROM findings WHERE service_id = ? AND fingerprint = ?
         UNION ALL
         SELECT rule_id, title, 1 AS pref, scan_pk FROM pr_findings WHERE service_id = ? AND fingerprint = ?
       ) ORDER BY pref, scan_pk DESC LIMIT 1`,
    ),
    upsert: db.prepare(
      `INSERT INTO triage (service_id, fingerprint, rule_id, title, status, justification, reason, owner, expires_at, decided_by, decided_at)
       VALUES (@serviceId, @fingerprint, @ruleId, @title, @status, @justification, @reason, @owner, @expiresAt, @decidedBy, @at)
       ON CONFLICT (service_id, fingerprint) DO UPDATE SET rule_id = excluded.rule_id, title = excluded.title,
         status = excluded.status, justification = excluded.justification,
         reason = excluded.reason, owner = excluded.owner, expires_at = excluded.expires_at,
         decided_by = excluded.decided_by, decided_at = excluded.decided_at`,
    ),
    remove: db.prepare<[number, string]>('DELETE FROM triage WHERE service_id = ? AND fingerprint = ?'),
    event: db.prepare(
      `INSERT INTO triage_events (service_id, fingerprint, action, status, justification, reason, owner, expires_at, actor, at)
       VALUES (@serviceId, @fingerprint, @action, @status, @justification, @reason, @owner, @expiresAt, @actor, @at)`,
    ),
    audit: db.prepare<[string, string, string, string]>('INSERT INTO audit (at, actor, action, detail) VALUES (?, ?, ?, ?)'),
    // A decision in force counts its finding like a suppression: the service's summary moves with it.
    refreshSummary: db.prepare<[number, number]>(SUMMARY_REFRESH_SQL),
    decisionOf: db.prepare<[number, string], TriageDbRow>(`${DECISION_SELECT} WHERE t.service_id = ? AND t.fingerprint = ?`),
    historyOf: db.prepare<[number, string], TriageEventDbRow>(
      'SELECT action, status, justification, reason, owner, expires_at, actor, at FROM triage_events WHERE service_id = ? AND fingerprint = ? ORDER BY id',
    ),
    all: db.prepare<[], TriageDbRow>(`${DECISION_SELECT} ORDER BY s.name, t.fingerprint`),
    ofService: db.prepare<[string], TriageDbRow>(`${DECISION_SELECT} WHERE s.name = ? ORDER BY t.fingerprint`),
    expired: db.prepare<[string], TriageDbRow & { service_id: number }>(
      `SELECT t.service_id, s.name AS service, t.fingerprint, t.rule_id, t.title, t.status, t.justification, t.reason, t.owner,
         t.expires_at, t.decided_by, t.decided_at FROM triage t JOIN services s ON s.id = t.service_id
       WHERE t.expires_at IS NOT NULL AND t.expires_at <= ?`,
    ),
  };
  const bump = sqliteVersionBump(db);
  /** Decisions of these services changed: their summaries, then the versions (nothing when none). */
  const changedServices = (serviceIds: number[]) => {
    if (serviceIds.length === 0) return;
    for (const id of new Set(serviceIds)) q.refreshSummary.run(id, id);
    bump(serviceIds);
  };

  const set = db.transaction((service: string, fingerprints: string[], r: TriageRecord, actor: string, at: string) => {
    const missing: string[] = [];
    let applied = 0;
    const serviceId = q.serviceId.get(service)?.id;
    for (const fp of new Set(fingerprints)) {
      const subject = serviceId === undefined ? undefined : q.subject.get(serviceId, fp, serviceId, fp);
      if (serviceId === undefined || !subject) {
        missing.push(fp);
        continue;
      }
      const fields = { serviceId, fingerprint: fp, status: r.status, justification: r.justification, reason: r.reason, owner: r.owner, expiresAt: r.expiresAt };
      q.upsert.run({ ...fields, ruleId: subject.rule_id, title: subject.title, decidedBy: r.decidedBy, at });
      q.event.run({ ...fields, action: 'set', actor: r.decidedBy, at });
      q.audit.run(at, actor, 'triage.set', JSON.stringify({ service, fingerprint: fp, status: r.status, reason: r.reason, owner: r.owner, expiresAt: r.expiresAt, justification: r.justification }));
      applied++;
    }
    if (applied > 0) changedServices([serviceId!]);
    return { applied, missing };
  });

  const clear = db.transaction((service: string, fingerprints: string[], actor: string, label: string, at: string) => {
    const missing: string[] = [];
    let applied = 0;
    const serviceId = q.serviceId.get(service)?.id;
    for (const fp of new Set(fingerprints)) {
      if (serviceId === undefined || q.remove.run(serviceId, fp).changes === 0) {
        missing.push(fp);
        continue;
      }
      q.event.run({ serviceId, fingerprint: fp, action: 'cleared', status: null, justification: null, reason: null, owner: null, expiresAt: null, actor: label, at });
      q.audit.run(at, actor, 'triage.clear', JSON.stringify({ service, fingerprint: fp }));
      applied++;
    }
    if (applied > 0) changedServices([serviceId!]);
    return { applied, missing };
  });

  const expire = db.transaction((at: string) => {
    const rows = q.expired.all(at);
    for (const r of rows) {
      q.remove.run(r.service_id, r.fingerprint);
      q.event.run({ serviceId: r.service_id, fingerprint: r.fingerprint, action: 'expired', status: r.status, justification: r.justification, reason: r.reason, owner: r.owner, expiresAt: r.expires_at, actor: 'gatehouse', at });
      q.audit.run(at, 'gatehouse', 'triage.expire', JSON.stringify({ service: r.service, fingerprint: r.fingerprint, owner: r.owner, expiresAt: r.expires_at, decidedBy: r.decided_by }));
    }
    changedServices(rows.map((r) => r.service_id));
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
      const serviceId = q.serviceId.get(service)?.id;
      if (serviceId === undefined) return { current: null, history: [] };
      const d = q.decisionOf.get(serviceId, fingerprint);
      return {
        current: d && triageInForce(d.expires_at, now) ? toTriageDecision(d) : null,
        history: q.historyOf.all(serviceId, fingerprint).map(toTriageEvent),
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
