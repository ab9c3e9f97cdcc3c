// PostgreSQL notification records (see sqlite/notify.ts): a key is claimed by exactly one process
// (ON CONFLICT DO NOTHING ... RETURNING).
import type pg from 'pg';
import { toNotificationRecord } from '../sqlite/notify.js';
import type { NotifyStore } from '../types.js';

export function createPostgresNotify(pool: pg.Pool): NotifyStore {
  return {
    async claimNotifications(items, now = new Date()) {
      if (items.length === 0) return [];
      const at = now.toISOString();
      const r = await pool.query<{ key: string }>(
        `INSERT INTO notifications (key, event, service, fingerprint, status, attempts, created_at, updated_at)
         SELECT u.key, u.event, u.service, u.fingerprint, 'pending', 0, $5, $5
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(key, event, service, fingerprint)
         ON CONFLICT (key) DO NOTHING RETURNING key`,
        [items.map((i) => i.key), items.map((i) => i.event), items.map((i) => i.service), items.map((i) => i.fingerprint), at],
      );
      const claimed = new Set(r.rows.map((x) => x.key));
      return items.map((i) => i.key).filter((k) => claimed.has(k));
    },
    async finishNotifications(keys, outcome, now = new Date()) {
      if (keys.length === 0) return;
      await pool.query('UPDATE notifications SET status = $1, attempts = $2, last_error = $3, updated_at = $4 WHERE key = ANY($5::text[])', [
        outcome.status,
        outcome.attempts,
        outcome.error ?? null,
        now.toISOString(),
        keys,
      ]);
    },
    async listNotifications(limit) {
      return (await pool.query('SELECT * FROM notifications ORDER BY updated_at DESC, key LIMIT $1', [limit])).rows.map(toNotificationRecord);
    },
  };
}
