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
    for (const [id, adapter] of Object.entries(ADAPTERS)) expect(adapter.id).toBe(id);
    expect(Object.keys(ADAPTERS)).toEqual(expect.arrayContaining(['gatehouse-secrets', 'npm-audit', 'semgrep', 'trivy-fs']));
    expect(listAdapters()).toHaveLength(Object.keys(ADAPTERS).length);
    expect(getAdapter('semgrep')).toBe(ADAPTERS.semgrep);
  });

  it('every built-in adapter carries its own knowledge: home page, install hint, severity words, fixtures', () => {
    for (const adapter of listAdapters()) {
      const about = adapter.about;
      expect(about, adapter.id).toBeDefined();
      expect(about!.homepage, adapter.id).toMatch(/^(https:\/\/|docs\/[a-z0-9-]+\.md$)/);
      expect(about!.installHint.length, adapter.id).toBeGreaterThan(0);
      expect(Object.keys(about!.severityWords).length, adapter.id).toBeGreaterThan(0);
      // An external tool is proven on recorded output of the real tool; an embedded one runs in tests.
      if (!about!.embedded) expect(about!.fixtures.length, adapter.id).toBeGreaterThan(0);
      for (const fixture of about!.fixtures) expect(statSync(fixturePath(fixture)).isFile(), fixture).toBe(true);
    }
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
