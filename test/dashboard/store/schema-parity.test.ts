// The two backends' schemas side by side: the same tables with the same columns, and STORE_TABLES
// naming every one of them in an order that respects foreign keys. `dashboard migrate` copies
// STORE_TABLES with `SELECT *` and inserts parents first, so a table or column added to one
// backend only (or left out of STORE_TABLES) would silently not move to PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../../dashboard/store/postgres/open.js';
import { openSqliteStore } from '../../../dashboard/store/sqlite/open.js';
import { STORE_TABLES } from '../../../dashboard/store/types.js';
import { freshPostgresDatabase } from './backends.js';

/**
 * Bookkeeping tables that are not data: the data versions (the migrate command sets them anew) and
 * PostgreSQL's schema version.
 */
const NOT_COPIED = ['meta', 'service_versions', 'gatehouse_schema'];
/** Bookkeeping both backends have, with the same columns. */
const BOOKKEEPING = ['meta', 'service_versions'];

describe('SQLite and PostgreSQL schemas', () => {
  it('have the same tables and columns, all in STORE_TABLES, parents before children', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-parity-'));
    const { url, drop } = await freshPostgresDatabase();
    const sqlite = openSqliteStore(join(dir, 'dash.db'));
    const postgres = await openPostgresStore(url);
    try {
      const sqliteTables: Record<string, string[]> = {};
      for (const { name } of sqlite.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]) {
        sqliteTables[name] = (sqlite.db.prepare(`PRAGMA table_info(${name})`).all() as { name: string }[]).map((c) => c.name).sort();
      }
      const postgresTables: Record<string, string[]> = {};
      const columns = await postgres.pool.query<{ table_name: string; column_name: string }>(
        `SELECT c.table_name, c.column_name FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'`,
      );
      for (const r of columns.rows) (postgresTables[r.table_name] ??= []).push(r.column_name);
      for (const cols of Object.values(postgresTables)) cols.sort();

      const data = (tables: Record<string, string[]>) => Object.keys(tables).filter((t) => !NOT_COPIED.includes(t)).sort();
      expect(data(sqliteTables)).toEqual([...STORE_TABLES].sort());
      expect(data(postgresTables)).toEqual([...STORE_TABLES].sort());
      for (const t of [...STORE_TABLES, ...BOOKKEEPING]) expect(postgresTables[t], `columns of ${t}`).toEqual(sqliteTables[t]);

      const keys = await postgres.pool.query<{ child: string; parent: string }>(
        "SELECT conrelid::regclass::text AS child, confrelid::regclass::text AS parent FROM pg_constraint WHERE contype = 'f'",
      );
      expect(keys.rows.length).toBeGreaterThan(0);
      const order = STORE_TABLES as readonly string[];
      for (const { child, parent } of keys.rows) {
        // Bookkeeping (service_versions) is not copied: the migrate command writes it after the data.
        if (child !== parent && !NOT_COPIED.includes(child)) expect(order.indexOf(parent), `${parent} before ${child} in STORE_TABLES`).toBeLessThan(order.indexOf(child));
      }
    } finally {
      await sqlite.close();
      await postgres.close();
      await drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
