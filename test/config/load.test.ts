import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findConfigFile, loadConfig, locateConfigError, parseFieldPath } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { configError, writeConfig } from './config-files.js';


describe('loadConfig', () => {
  it('uses the schema defaults when there is no config file', async () => {
    const { config, file } = await loadConfig(undefined);
    expect(file).toBeUndefined();
    expect(config.gate['fail-on']).toBe('high');
    expect(config.gate['on-scanner-error']).toBe('fail');
    expect(config.scanners.dependency).toEqual(['npm-audit']);
    expect(config.scanners.secret).toEqual(['gatehouse-secrets']);
    expect(config.concurrency).toBe(4);
    expect(config['max-output-mb']).toBe(64);
  });

  it('finds .gatehouse.yml in the repository root and nothing elsewhere', () => {
    const file = writeConfig('version: 1\n');
    expect(findConfigFile(join(file, '..'))).toBe(file);
    expect(findConfigFile(mkdtempSync(join(tmpdir(), 'gatehouse-empty-')))).toBeUndefined();
  });

  it('reads a valid file and keeps its values over the defaults', async () => {
    const file = writeConfig(
      [
        'services:',
        '  - name: orders-api',
        '    path: services/orders-api',
        'gate:',
        '  fail-on: medium',
        '  on-scanner-error: warn',
        'scanners:',
        '  sast: [semgrep]',
        'concurrency: 2',
      ].join('\n'),
    );
    const { config } = await loadConfig(file);
    expect(config.services).toEqual([{ name: 'orders-api', path: 'services/orders-api' }]);
    expect(config.gate['fail-on']).toBe('medium');
    expect(config.gate['on-scanner-error']).toBe('warn');
    expect(config.scanners.sast).toEqual(['semgrep']);
    expect(config.scanners.dependency).toEqual(['npm-audit']);
    expect(config.concurrency).toBe(2);
  });

  it('treats an empty file as all defaults', async () => {
    const { config } = await loadConfig(writeConfig('# nothing yet\n'));
    expect(config.gate['fail-on']).toBe('high');
  });

  it('names the file, line, column and field of a bad enum value', async () => {
    const file = writeConfig(['version: 1', 'gate:', '  new-only: true', '  fail-on: severe', ''].join('\n'));
    const err = await configError(loadConfig(file));
    expect(err.message).toMatch(new RegExp(`^${escape(file)}:4:12 gate\\.fail-on: .*expected one of "critical"\\|"high"`));
    expect(err.details).toMatchObject({ file, line: 4, column: 12, field: 'gate.fail-on' });
  });

  it('points at an unknown key and lists the allowed ones', async () => {
    const file = writeConfig(['gate:', '  fail-on: high', '  failon: low', ''].join('\n'));
    const err = await configError(loadConfig(file));
    expect(err.message).toContain(`${file}:3:3 gate.failon: unknown field; did you mean "gate.fail-on"? (allowed: fail-on, categories, max`);
  });

  it('names the list index of a bad service and a duplicate name', async () => {
    const file = writeConfig(
      [
        'services:',
        '  - name: api',
        '    path: services/api',
        '  - name: api',
        '    path: services/api2',
        '  - name: "bad name"',
        '    path: x',
        '',
      ].join('\n'),
    );
    const err = await configError(loadConfig(file));
    expect(err.message).toContain(`${file}:6:11 services[2].name: letters, digits`);
    expect(err.message).toContain(`${file}:4:11 services[1].name: duplicate service name "api" (also services[0])`);
  });

  it('reports a missing required field at the entry that lacks it', async () => {
    const file = writeConfig(['suppressions:', '  - rule: CVE-2021-23337', '    expires: 2030-01-01', ''].join('\n'));
    const err = await configError(loadConfig(file));
    expect(err.message).toMatch(new RegExp(`^${escape(file)}:2:5 suppressions\\[0\\]\\.reason: `));
  });

  it('refuses an empty services list (it would scan nothing and pass)', async () => {
    const file = writeConfig('services: []\n');
    const err = await configError(loadConfig(file));
    expect(err.message).toBe(`${file}:1:11 services: list at least one service, or remove "services" to discover them`);
  });

  it('reports a YAML syntax error with its line', async () => {
    const file = writeConfig(['gate:', '  fail-on: high', ' bad-indent: [unclosed', ''].join('\n'));
    const err = await configError(loadConfig(file));
    expect(err.message).toMatch(new RegExp(`^${escape(file)}:\\d+:\\d+ YAML syntax error: `));
    expect(err.details.line).toBeGreaterThanOrEqual(3);
  });

  it('rejects a duplicate key instead of silently keeping the last one', async () => {
    const file = writeConfig(['gate:', '  fail-on: low', '  fail-on: critical', ''].join('\n'));
    const err = await configError(loadConfig(file));
    expect(err.message).toMatch(/YAML syntax error: .*[Uu]nique/);
  });

  it('rejects a top level that is not a mapping', async () => {
    const err = await configError(loadConfig(writeConfig('- a\n- b\n')));
    expect(err.message).toContain('expected a mapping of settings, got a list');
  });

  it('says plainly when a named config file does not exist', async () => {
    const err = await configError(loadConfig('/nonexistent/dir/.gatehouse.yml'));
    expect(err.message).toBe('/nonexistent/dir/.gatehouse.yml: config file not found');
  });

  it('lets overrides (CLI flags) win over the file, merging objects', async () => {
    const file = writeConfig(['gate:', '  fail-on: low', '  on-scanner-error: warn', ''].join('\n'));
    const { config } = await loadConfig(file, { gate: { 'fail-on': 'critical' } });
    expect(config.gate['fail-on']).toBe('critical');
    expect(config.gate['on-scanner-error']).toBe('warn');
  });

  it('names the override, not the file, when an override is invalid', async () => {
    const file = writeConfig('gate:\n  fail-on: low\n');
    const err = await configError(loadConfig(file, { gate: { 'fail-on': 'nope' } }, { overridesSource: '--fail-on' }));
    expect(err.message).toMatch(/^--fail-on: gate\.fail-on: /);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('locateConfigError', () => {
  it('adds file:line:column to an error found after loading, when its field is in the file', async () => {
    const file = writeConfig(['scanners:', '  sast:', '    - semgrep', '    - semgrepp', ''].join('\n'));
    const err = new ConfigError('scanners.sast[1]: unknown scanner "semgrepp"', { field: 'scanners.sast[1]' });
    const located = await locateConfigError(err, file);
    expect(located.message).toBe(`${file}:4:7 scanners.sast[1]: unknown scanner "semgrepp"`);
    expect(located.details).toMatchObject({ file, line: 4, column: 7 });
  });

  it('leaves an error alone when its field is not in the file', async () => {
    const file = writeConfig('gate:\n  fail-on: high\n');
    const err = new ConfigError('scanners.sast[0]: unknown scanner "x"', { field: 'scanners.sast[0]' });
    expect(await locateConfigError(err, file)).toBe(err);
    expect(parseFieldPath('services[2].path')).toEqual(['services', 2, 'path']);
    expect(parseFieldPath('not a path')).toBeUndefined();
  });
});
