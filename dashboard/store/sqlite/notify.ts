// SQLite notification records: one row per event key, claimed once (INSERT OR IGNORE), then marked
// delivered or failed. The notifier (dashboard/notify/) decides what to send.
import type Database from 'better-sqlite3';
import type { NotificationRecord, NotifyStore } from '../types.js';

interface NotificationDbRow {
  key: string;
  event: string;
  service: string;
  fingerprint: string;
  status: NotificationRecord['status'];
  attempts: number;
  created_at: string;
  updated_at: string;
  last_error: string | null;
}

export function toNotificationRecord(r: NotificationDbRow): NotificationRecord {
  return {
    key: r.key,
    event: r.event,
    service: r.service,
    fingerprint: r.fingerprint,
    status: r.status,
    attempts: Number(r.attempts),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastError: r.last_error,
  };
}

export function createSqliteNotify(db: Database.Database): NotifyStore {
  const claim = db.prepare<[string, string, string, string, string, string]>(
    "INSERT OR IGNORE INTO notifications (key, event, service, fingerprint, status, attempts, created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)",
  );
  const finish = db.prepare<[string, number, string | null, string, string]>(
    'UPDATE notifications SET status = ?, attempts = ?, last_error = ?, updated_at = ? WHERE key = ?',
  );
  const list = db.prepare<[number], NotificationDbRow>('SELECT * FROM notifications ORDER BY updated_at DESC, key LIMIT ?');
  const claimAll = db.transaction((items: { key: string; event: string; service: string; fingerprint: string }[], at: string) =>
    items.filter((i) => claim.run(i.key, i.event, i.service, i.fingerprint, at, at).changes === 1).map((i) => i.key),
  );
  const finishAll = db.transaction((keys: string[], status: string, attempts: number, error: string | null, at: string) => {
    for (const k of keys) finish.run(status, attempts, error, at, k);
  });
  return {
    async claimNotifications(items, now = new Date()) {
      return items.length === 0 ? [] : claimAll(items, now.toISOString());
    },
    async finishNotifications(keys, outcome, now = new Date()) {
      finishAll(keys, outcome.status, outcome.attempts, outcome.error ?? null, now.toISOString());
    },
    async listNotifications(limit) {
      return list.all(limit).map(toNotificationRecord);
    },
  };
}
