// `gatehouse dashboard` as a person runs it, on the bad days of issue 14: a PostgreSQL server that is
// down, a wrong password (against a real server), a connection string given without --db, a
// database migrated by a newer Gatehouse (both backends). Each exits 2 with one clear line, and no
// password appears anywhere in what the process printed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../../dashboard/store/postgres/open.js';
import { openSqliteStore } from '../../../dashboard/store/sqlite/open.js';
import { freshPostgresDatabase } from './backends.js';
import { day, makeReport } from './report-builder.js';

const REPO = new URL('../../../', import.meta.url).pathname;

/** The CLI as a child process; stdout and stderr together (everything a log collector would keep). */
async function gatehouse(args: string[]): Promise<{ exitCode: number | undefined; output: string }> {
  const r = await execa(process.execPath, ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), ...args], {
    cwd: REPO,
    reject: false,
    all: true,
    timeout: 60_000,
    env: { GATEHOUSE_ADMIN_TOKEN: 'bad-start-admin-token-0123456789abcdef', NO_COLOR: '1' },
  });
  return { exitCode: r.exitCode, output: r.all ?? '' };
}

let url: string;
let drop: () => Promise<void>;
let dir: string;
beforeEach(async () => {
  ({ url, drop } = await freshPostgresDatabase());
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-bad-start-'));
});
afterEach(async () => {
  rmSync(dir, { recursive: true, force: true });
  await drop();
});

function withPassword(password: string): string {
  const u = new URL(url);
  u.password = password;
  return u.toString();
}

describe('gatehouse dashboard on a bad day', () => {
  it('a wrong password against a real server: exit 2, says so, prints neither password', async () => {
    const wrong = 'Wr0ng-pa55word-7f3c';
    const realPassword = decodeURIComponent(new URL(url).password);
    // migrate's source must exist (a missing --from is refused before PostgreSQL is tried): a real
    // SQLite store with a scan in it, so the run gets as far as connecting to the target.
    const source = join(dir, 'source.db');
    const src = openSqliteStore(source);
    await src.ingestScan(makeReport({ scanId: 's1', createdAt: day('2026-01-01'), findings: [{ fp: 'a' }] }), 't');
    await src.close();
    const runs = await Promise.all(
      [
        ['dashboard', '--db', withPassword(wrong), '--port', '0'],
        ['dashboard', 'migrate', '--from', source, '--to', withPassword(wrong)],
      ].map(gatehouse),
    );
    for (const r of runs) {
      expect(r.exitCode, r.output).toBe(2);
      expect(r.output).toMatch(/^gatehouse dashboard: cannot connect to PostgreSQL at postgres:\/\/postgres:\*\*\*\*@127\.0\.0\.1:\d+\/gatehouse_test_\w+: password authentication failed$/m);
      expect(r.output).not.toContain(wrong);
      expect(r.output).not.toContain(realPassword);
    }
    // Nothing reached the target.
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      expect((await c.query("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'")).rows).toEqual([{ n: 0 }]);
    } finally {
      await c.end();
    }
  });

  it('a connection string given without --db is refused without echoing its password', async () => {
    const r = await gatehouse(['dashboard', withPassword('Str4y-arg-pa55word')]);
    expect(r.exitCode).toBe(2);
    expect(r.output).toContain("Unexpected argument 'postgres://postgres:****@127.0.0.1");
    expect(r.output).not.toContain('Str4y-arg-pa55word');
    const direct = await execa(process.execPath, ['--import', 'tsx', 'dashboard/server.ts', withPassword('Str4y-arg-pa55word')], { cwd: REPO, reject: false, all: true });
    expect(direct.exitCode).toBe(2);
    expect(direct.all).not.toContain('Str4y-arg-pa55word');
  });

  it('a password given as the URL\'s ?password= parameter: masked in every line, right or wrong, on the dashboard and on migrate', async () => {
    const realPassword = decodeURIComponent(new URL(url).password);
    const inQuery = (password: string) => {
      const u = new URL(url);
      u.password = '';
      u.searchParams.set('password', password);
      return u.toString();
    };
    const source = join(dir, 'source.db');
    await openSqliteStore(source).close();
    const wrong = 'Qu3ry-pa55word-wrong';
    for (const args of [
      ['dashboard', '--db', inQuery(wrong), '--port', '0'],
      ['dashboard', 'migrate', '--from', source, '--to', inQuery(wrong)],
    ]) {
      const r = await gatehouse(args);
      expect(r.exitCode, r.output).toBe(2);
      expect(r.output).toContain('password authentication failed');
      expect(r.output).toContain('password=****');
      expect(r.output).not.toContain(wrong);
    }
    // The right one: the dashboard starts and says where its database is, without the password.
    const started = execa(process.execPath, ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), 'dashboard', '--db', inQuery(realPassword), '--port', '0'], {
      cwd: REPO,
      all: true,
      reject: false,
      env: { GATEHOUSE_ADMIN_TOKEN: 'bad-start-admin-token-0123456789abcdef', NO_COLOR: '1' },
    });
    let output = '';
    started.all!.on('data', (d: Buffer) => (output += d.toString()));
    for (let i = 0; i < 600 && !output.includes('Gatehouse dashboard:'); i++) await new Promise((res) => setTimeout(res, 50));
    started.kill('SIGTERM');
    await started;
    expect(output).toMatch(/Gatehouse dashboard: http:\/\/127\.0\.0\.1:\d+\/ \(database postgres:\/\/postgres@127\.0\.0\.1:\d+\/gatehouse_test_\w+\?password=\*\*\*\*\)/);
    expect(output).not.toContain(realPassword);
  });

  it('a libpq key=value connection string: refused (not taken as a SQLite file name), its password never printed, no file made', async () => {
    // Any key first, or a password named later in the string.
    for (const conninfo of ['host=127.0.0.1 port=1 user=postgres password=K3yval-pa55word dbname=gh1', 'keepalives=1 host=db password=K3yval-pa55word', 'gh1 sslpassword=K3yval-pa55word']) {
      const r = await gatehouse(['dashboard', '--db', conninfo, '--port', '0']).finally(() => rmSync(join(REPO, conninfo), { force: true }));
      expect(r.exitCode, r.output).toBe(2);
      expect(r.output).toContain('key=value connection string (it starts with key= or names a password), which Gatehouse does not read: give a URL such as postgres://');
      expect(r.output).not.toContain('K3yval-pa55word');
      // The CLI runs in the repository's folder: a SQLite file of that name would be there (removed
      // above either way; the dashboard would have said so on its start line).
      expect(r.output).not.toContain('Gatehouse dashboard:');
    }
  });

  it('a URL that does not parse: said as such, not as a failed connection, no password', async () => {
    const r = await gatehouse(['dashboard', '--db', 'postgres://u:Unp4rsed-pa55word@127.0.0.1:notaport/gh1', '--port', '0']);
    expect(r.exitCode).toBe(2);
    expect(r.output).toContain('gatehouse dashboard: not a valid PostgreSQL connection URL (postgres://(unparsable connection string)): expected a URL such as postgres://gatehouse@db.example.com:5432/gatehouse');
    expect(r.output).not.toContain('Unp4rsed-pa55word');
  });

  it('a server that is down: exit 2 with "connection refused", no password', async () => {
    const r = await gatehouse(['dashboard', '--db', 'postgres://gatehouse:D0wn-pa55word@127.0.0.1:1/gatehouse', '--port', '0']);
    expect(r.exitCode).toBe(2);
    expect(r.output).toContain('gatehouse dashboard: cannot connect to PostgreSQL at postgres://gatehouse:****@127.0.0.1:1/gatehouse: connection refused (is the server running?)');
    expect(r.output).not.toContain('D0wn-pa55word');
  });

  it('a PostgreSQL database migrated by a newer Gatehouse: exit 2, says upgrade, leaves it as it was', async () => {
    await (await openPostgresStore(url)).close();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query('UPDATE gatehouse_schema SET version = 99');
    const r = await gatehouse(['dashboard', '--db', url, '--port', '0']);
    expect(r.exitCode).toBe(2);
    expect(r.output).toMatch(/gatehouse dashboard: database schema version 99 is newer than this Gatehouse \(\d+\); upgrade Gatehouse/);
    expect(r.output).not.toContain(decodeURIComponent(new URL(url).password));
    expect((await c.query('SELECT version FROM gatehouse_schema')).rows).toEqual([{ version: 99 }]);
    await c.end();
  });

  it('a SQLite file migrated by a newer Gatehouse: exit 2, says upgrade, leaves it as it was', async () => {
    const file = join(dir, 'dash.db');
    await openSqliteStore(file).close();
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();
    const r = await gatehouse(['dashboard', '--db', file, '--port', '0']);
    expect(r.exitCode).toBe(2);
    expect(r.output).toMatch(/gatehouse dashboard: database schema version 99 is newer than this Gatehouse \(\d+\); upgrade Gatehouse/);
    const after = new Database(file, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(99);
    after.close();
  });
});
