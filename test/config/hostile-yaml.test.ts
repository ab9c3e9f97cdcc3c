// Config files that go wrong in the ways an adversarial review tried (issue 8, issue 9 point 8):
// every one is a ConfigError (exit 2) naming the file, the line and, for a field, its path.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { loadConfig, suggestKey } from '../../src/config/load.js';
import { isCalendarDate } from '../../src/config/schema.js';
import { ConfigError } from '../../src/errors.js';
import { configError, writeConfig } from './config-files.js';
import { loadIgnoreFile } from '../../src/gate/suppressions.js';


function syncError(fn: () => unknown): ConfigError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  return caught as ConfigError;
}

const ALIAS_BOMB = [
  'version: 1',
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
  'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
  '',
].join('\n');

describe('hostile and mistaken YAML', () => {
  it('an alias bomb is a config error at the first alias, not a crash', async () => {
    const file = writeConfig(ALIAS_BOMB);
    const err = await configError(loadConfig(file));
    expect(err.message).toMatch(new RegExp(`^${escape(file)}:3:8 YAML: the aliases .* expand to too many values`));
    expect(err.details).toMatchObject({ file, line: 3 });
  });

  it('an alias bomb in the ignore file is a config error too', () => {
    const file = writeConfig(ALIAS_BOMB.replace('version: 1', 'suppressions: []'), '.gatehouse-ignore.yml');
    const err = syncError(() => loadIgnoreFile(file));
    expect(err.message).toMatch(/:3:8 YAML: the aliases/);
  });

  it('a custom tag (!foo) is refused with its line', async () => {
    const file = writeConfig(['version: 1', 'gate:', '  fail-on: !foo high', ''].join('\n'));
    const err = await configError(loadConfig(file));
    expect(err.message).toBe(`${file}:3:12 YAML: unknown tag !foo; a Gatehouse config holds plain values (remove the tag)`);
  });

  it('an unterminated double quote is reported where it opens, not at the end of the file', async () => {
    const file = writeConfig(['version: 1', 'gate:', '  fail-on: "high', 'scanners:', '  sast: []', 'suppressions: []', ''].join('\n'));
    const err = await configError(loadConfig(file));
    expect(err.message).toMatch(new RegExp(`^${escape(file)}:3:12 YAML syntax error: the double quote opened here is never closed`));
    expect(err.details.line).toBe(3);
  });

  it('an unterminated single quote too, with a closed one before it', async () => {
    const file = writeConfig(
      ['version: 1', "ignore-file: 'x.yml'", 'suppressions:', "  - rule: 'CVE-1''s", '    reason: test', ''].join('\n'),
    );
    const err = await configError(loadConfig(file));
    expect(err.message).toMatch(new RegExp(`^${escape(file)}:4:11 YAML syntax error: the single quote opened here is never closed`));
  });

  it.each([
    ['2027-13-45', 'month 13'],
    ['2027-02-30', 'February 30'],
    ['2026-00-10', 'month 0'],
    ['2027-04-31', 'April 31'],
  ])('an impossible expiry date %s (%s) is refused naming the field', async (date) => {
    const file = writeConfig(['suppressions:', '  - rule: CVE-2021-23337', '    reason: r', `    expires: ${date}`, ''].join('\n'));
    const err = await configError(loadConfig(file));
    expect(err.message).toContain(`${file}:4:14 suppressions[0].expires: not a real calendar date`);
    expect(err.details.field).toBe('suppressions[0].expires');
  });

  it('real dates pass, leap days only in leap years', () => {
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2027-02-29')).toBe(false);
    expect(isCalendarDate('2000-02-29')).toBe(true);
    expect(isCalendarDate('1900-02-29')).toBe(false);
    expect(isCalendarDate('2027-12-31')).toBe(true);
  });

  it('an impossible date in the ignore file is refused naming the entry', () => {
    const file = writeConfig(['- rule: CVE-1', '  reason: r', '  expires: 2027-02-30', ''].join('\n'), '.gatehouse-ignore.yml');
    const err = syncError(() => loadIgnoreFile(file));
    expect(err.message).toContain(':3: suppression "0.expires" is invalid: not a real calendar date');
  });

  it('scanner-timeout is bounded (1e308 would overflow the timer and time every scanner out at once)', async () => {
    for (const value of ['1e308', '86401']) {
      const file = writeConfig(`scanner-timeout: ${value}\n`);
      const err = await configError(loadConfig(file));
      expect(err.message).toBe(`${file}:1:18 scanner-timeout: at most 86400 seconds (a day)`);
    }
    const inf = await configError(loadConfig(writeConfig('scanner-timeout: .inf\n')));
    expect(inf.details.field).toBe('scanner-timeout');
    const { config } = await loadConfig(writeConfig('scanner-timeout: 86400\n'));
    expect(config['scanner-timeout']).toBe(86_400);
  });

  it('a key typo gets a "did you mean" naming the key path', async () => {
    const file = writeConfig(['gate:', '  fail-on: high', '  on-scaner-error: warn', ''].join('\n'));
    const err = await configError(loadConfig(file));
    expect(err.message).toContain(`${file}:3:3 gate.on-scaner-error: unknown field; did you mean "gate.on-scanner-error"?`);
    const top = await configError(loadConfig(writeConfig('scaners:\n  sast: [semgrep]\n')));
    expect(top.message).toContain('scaners: unknown field; did you mean "scanners"?');
  });

  it('a key at the wrong level is pointed to where it belongs', async () => {
    const file = writeConfig('fail-on: medium\n');
    const err = await configError(loadConfig(file));
    expect(err.message).toContain(`${file}:1:1 fail-on: unknown field; did you mean "gate.fail-on"?`);
    expect(suggestKey(['services', 2], 'naem')).toBe('services[2].name');
    expect(suggestKey([], 'completely-unrelated')).toBeUndefined();
  });
});

describe('gate.suppressions-require-expiry', () => {
  const entries = ['suppressions:', '  - rule: CVE-1', '    reason: r', '    expires: 2030-01-01', '  - id: forever', '    rule: CVE-2', '    reason: r', ''];

  it('off (the default): a suppression without expiry is accepted', async () => {
    const { config } = await loadConfig(writeConfig(entries.join('\n')));
    expect(config.suppressions).toHaveLength(2);
    expect(config.gate['suppressions-require-expiry']).toBe(false);
  });

  it('on: a suppression without expiry is a config error naming the entry and its line', async () => {
    const file = writeConfig(['gate:', '  suppressions-require-expiry: true', ...entries].join('\n'));
    const err = await configError(loadConfig(file));
    expect(err.message).toBe(
      `${file}:7:5 suppressions[1]: suppression "forever" has no "expires" date, and gate.suppressions-require-expiry is true: add expires: YYYY-MM-DD`,
    );
    expect(err.details.field).toBe('suppressions[1]');
  });

  it('on: the ignore file is held to it too', () => {
    const file = writeConfig(['- rule: CVE-1', '  reason: r', '  expires: 2030-01-01', '- rule: CVE-9', '  path: "src/**"', '  reason: r', ''].join('\n'), '.gatehouse-ignore.yml');
    expect(loadIgnoreFile(file)).toHaveLength(2);
    const err = syncError(() => loadIgnoreFile(file, { requireExpiry: true }));
    expect(err.message).toBe(
      `${file}:4: suppression "rule=CVE-9 path=src/**" (1) has no "expires" date, and gate.suppressions-require-expiry is true: add expires: YYYY-MM-DD`,
    );
  });
});

describe('the CLI on a hostile config', () => {
  it('an alias bomb exits 2 with file:line, not 3', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gatehouse-bomb-'));
    writeFileSync(join(root, '.gatehouse.yml'), ALIAS_BOMB);
    const r = await execa(process.execPath, ['--import', 'tsx', new URL('../../src/cli/main.ts', import.meta.url).pathname, 'scan', root], {
      reject: false,
      cwd: new URL('../../', import.meta.url).pathname,
    });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`gatehouse: config error: ${join(root, '.gatehouse.yml')}:3:8 YAML: the aliases`);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
