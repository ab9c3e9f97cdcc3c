import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigError } from '../../src/errors.js';
import { configOverrides, INPUT_NAMES, readActionInputs, toolsToInstall } from '../../src/action/inputs.js';
import { OUTPUT_NAMES } from '../../src/action/outputs.js';
import { renderActionUsage, updateReadme } from '../../scripts/gen-action-usage.js';

const actionYmlText = readFileSync(new URL('../../action.yml', import.meta.url), 'utf8');
const actionYml = parse(actionYmlText) as {
  inputs: Record<string, Record<string, unknown>>;
  outputs: Record<string, unknown>;
  runs: Record<string, string>;
};

const reader = (values: Record<string, string>) => (name: string) => values[name] ?? '';

describe('action.yml', () => {
  it('declares exactly the inputs the input schema reads, none with a default of its own', () => {
    expect(Object.keys(actionYml.inputs).sort()).toEqual([...INPUT_NAMES].sort());
    for (const [name, input] of Object.entries(actionYml.inputs)) {
      expect(input, name).not.toHaveProperty('default');
      expect(name).toMatch(/^[a-z]+(-[a-z]+)*$/);
    }
  });

  it('declares exactly the outputs the action sets, and runs dist/index.js on node24', () => {
    expect(Object.keys(actionYml.outputs).sort()).toEqual([...OUTPUT_NAMES].sort());
    expect(actionYml.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });

  it('the README usage block is generated from it and up to date', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(updateReadme(readme, renderActionUsage(actionYmlText))).toBe(readme);
    expect(renderActionUsage(actionYmlText)).toContain('    dashboard-audience: \'\'');
  });
});

describe('action inputs', () => {
  it('applies the schema defaults for action-only inputs', () => {
    const inputs = readActionInputs(reader({}));
    expect(inputs.comment).toBe('always');
    expect(inputs['scan-all']).toBe(false);
    expect(inputs.annotations).toBe(true);
    expect(configOverrides(inputs)).toEqual({});
  });

  it('turns config inputs into overrides validated later by the config schema', () => {
    const inputs = readActionInputs(reader({ 'fail-on': 'critical', 'new-only': 'false', 'on-scanner-error': 'warn' }));
    expect(configOverrides(inputs)).toEqual({ gate: { 'fail-on': 'critical', 'new-only': false, 'on-scanner-error': 'warn' } });
  });

  it('names the input at fault', () => {
    expect(() => readActionInputs(reader({ comment: 'sometimes' }))).toThrow(ConfigError);
    expect(() => readActionInputs(reader({ comment: 'sometimes' }))).toThrow(/action input comment: .*"sometimes"/);
    expect(() => readActionInputs(reader({ import: 'trivy-fs' }))).toThrow(/action input import: "trivy-fs" is not scanner-id=path/);
    expect(() => readActionInputs(reader({ 'scan-all': 'yes' }))).toThrow(/action input scan-all/);
  });

  it('parses imports and service lists', () => {
    const inputs = readActionInputs(reader({ import: 'trivy-fs=trivy.json\nsemgrep@web = semgrep.sarif', services: 'web, payments' }));
    expect(inputs.import).toEqual({ 'trivy-fs': 'trivy.json', 'semgrep@web': 'semgrep.sarif' });
    expect(inputs.services).toEqual(['web', 'payments']);
  });

  it('install-tools: true picks the tools the config uses; a list is checked', () => {
    expect(toolsToInstall(readActionInputs(reader({ 'install-tools': 'true' })), ['trivy-fs', 'npm-audit', 'semgrep'])).toEqual(['trivy', 'semgrep']);
    expect(toolsToInstall(readActionInputs(reader({ 'install-tools': 'gitleaks' })), [])).toEqual(['gitleaks']);
    expect(() => toolsToInstall(readActionInputs(reader({ 'install-tools': 'curl' })), [])).toThrow(/"curl" is not installable/);
  });
});
