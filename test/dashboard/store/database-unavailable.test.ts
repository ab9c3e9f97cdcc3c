// Which errors a request meets because the database cannot answer now (app.ts: 503 with Retry-After),
// against those that are bugs or refusals (500, or their own status).
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../../dashboard/store/errors.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it('is true for a server down, restarting, out of reach or a connection lost, and a SQLite file locked', () => {
    for (const err of [
      withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      withCode('read ECONNRESET', 'ECONNRESET'),
      withCode('terminating connection due to administrator command', '57P01'),
      withCode('the database system is starting up', '57P03'),
      withCode('connection failure', '08006'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      withCode('database is locked', 'SQLITE_BUSY'),
      withCode('database is locked', 'SQLITE_BUSY_SNAPSHOT'),
      withCode('sorry, too many clients already', '53300'),
      withCode('cannot execute INSERT in a read-only transaction', '25006'),
      withCode('terminating connection due to idle-session timeout', '57P05'),
    ]) {
      expect(isDatabaseUnavailable(err), err.message).toBe(true);
    }
  });

  it('is false for errors of the query or the data, and for anything not an Error', () => {
    for (const err of [
      withCode('syntax error at or near "FROM"', '42601'),
      withCode('duplicate key value violates unique constraint', '23505'),
      withCode('permission denied for table findings', '42501'),
      withCode('UNIQUE constraint failed: scans.scan_id', 'SQLITE_CONSTRAINT_UNIQUE'),
      new TypeError("Cannot read properties of undefined (reading 'id')"),
      // A client bug's protocol violation, and a client that stopped sending its body.
      withCode('bind message supplies 1 parameters, but prepared statement "a" requires 2', '08P01'),
      withCode('aborted', 'ECONNRESET'),
      withCode('no such table: findings', 'SQLITE_ERROR'),
      'ECONNREFUSED',
      undefined,
    ]) {
      expect(isDatabaseUnavailable(err), String(err)).toBe(false);
    }
  });
});
