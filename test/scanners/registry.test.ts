import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { CATEGORIES } from '../../src/findings/finding.js';
import { ADAPTERS, getAdapter, listAdapters } from '../../src/scanners/registry.js';
import { fixturePath } from './fixtures.js';

describe('scanner registry', () => {
  it('knows every built-in adapter by its id', () => {
    expect(Object.keys(ADAPTERS).sort()).toEqual(
      [
        'gatehouse-secrets',
        'gitleaks',
        'grype',
        'npm-audit',
        'osv-scanner',
        'pnpm-audit',
        'semgrep',
        'trivy-fs',
        'trivy-image',
        'trivy-secret',
        'yarn-audit',
      ].sort(),
    );
    for (const [id, adapter] of Object.entries(ADAPTERS)) expect(adapter.id).toBe(id);
    expect(listAdapters()).toHaveLength(Object.keys(ADAPTERS).length);
    expect(getAdapter('semgrep')).toBe(ADAPTERS.semgrep);
  });

  it('answers an unknown id with a ConfigError listing the known ids', () => {
    expect(() => getAdapter('trivvy')).toThrow(ConfigError);
    expect(() => getAdapter('trivvy')).toThrow(/unknown scanner "trivvy"; known scanners: .*trivy-fs/);
  });

  it('every adapter follows the contract: a category, ok exit codes, and an argv without a shell', () => {
    const target = { service: 'api', dir: '/repo/services/api', repoRoot: '/repo', image: 'alpine:3.19', options: {} };
    for (const adapter of listAdapters()) {
      expect(CATEGORIES).toContain(adapter.category);
      expect(adapter.tool.length).toBeGreaterThan(0);
      expect(adapter.okExitCodes.length).toBeGreaterThan(0);
      const argv = adapter.command(target);
      expect(argv.length).toBeGreaterThan(0);
      expect(argv.every((a) => typeof a === 'string')).toBe(true);
      // argv[0] is an executable, not a shell line.
      expect(argv[0]).not.toMatch(/[\s|;&]/);
      expect(argv).not.toContain('sh');
      expect(argv).not.toContain('-c');
    }
  });
});

// "Test every adapter on every fixture of its tool": each file in ../shared/fixtures/scanners must be
// named by at least one test in this folder (PROVENANCE.md and the rule-set toml excepted).
describe('fixture coverage', () => {
  it('every recorded scanner output file is read by a parser test', () => {
    const root = fixturePath('.');
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else files.push(path.relative(root, full).split(path.sep).join('/'));
      }
    };
    walk(root);
    const here = path.dirname(fileURLToPath(import.meta.url));
    const tests = readdirSync(here)
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => readFileSync(path.join(here, f), 'utf8'))
      .join('\n');
    const fixtures = files.filter((f) => f !== 'PROVENANCE.md');
    expect(fixtures.length).toBeGreaterThan(40);
    // Tests name a file by its path under its tool folder (e.g. 'legacy/npm6-v1-advisories.json').
    const unread = fixtures.filter((f) => !tests.includes(f.split('/').slice(1).join('/')));
    expect(unread).toEqual([]);
  });
});
