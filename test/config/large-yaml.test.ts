// Large config files (generated suppression lists) are read by the fast path when they are plain
// YAML; what they mean, and every error a user sees, is the same as on the exact path.
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { FAST_PATH_MIN_BYTES, parseYamlFile, readPlainYamlFast } from '../../src/config/yaml.js';
import { ConfigError } from '../../src/errors.js';

/** A config of `n` suppressions with the kinds of values YAML could read differently. */
function bigConfig(n: number, extra = ''): string {
  const lines = ['version: 1', 'gate:', '  fail-on: high', '  new-only: false', 'suppressions:'];
  for (let i = 0; i < n; i++) {
    lines.push(`  - rule: CVE-2024-${String(i).padStart(6, '0')}`, `    path: "services/svc${i % 7}/**"`, '    reason: accepted by the security team, see SEC-1 # a comment', `    expires: ${i % 2 ? '2030-12-31' : '"2030-12-31"'}`);
  }
  return `${lines.join('\n')}\n${extra}`;
}

describe('large config files', () => {
  const text = bigConfig(3000);

  it('are big enough for the fast path and read the same data as the exact path (dates stay text, comments dropped)', () => {
    expect(text.length).toBeGreaterThan(FAST_PATH_MIN_BYTES);
    const fast = readPlainYamlFast(text);
    expect(fast).toBeDefined();
    // The exact path's reading of the same text: the document the fast result makes on demand.
    const parsed = parseYamlFile(text, '.gatehouse.yml');
    expect(parsed.data).toEqual(parsed.doc.toJS());
    const config = parseConfigText(text, '.gatehouse.yml');
    expect(config.suppressions).toHaveLength(3000);
    expect(config.suppressions[1]).toMatchObject({ rule: 'CVE-2024-000001', expires: '2030-12-31', reason: 'accepted by the security team, see SEC-1' });
  });

  it('a validation error still names the file, the line and the field', () => {
    const bad = text.replace('    expires: 2030-12-31\n', '    expires: 2030-13-45\n');
    expect(() => parseConfigText(bad, '.gatehouse.yml')).toThrow(ConfigError);
    try {
      parseConfigText(bad, '.gatehouse.yml');
    } catch (err) {
      const e = err as ConfigError;
      expect(e.message).toMatch(/^\.gatehouse\.yml:13:\d+ /);
      expect(e.message).toContain('suppressions[1].expires');
    }
  });

  it('anchors, aliases, tags, duplicate keys and syntax errors take the exact path and its messages', () => {
    expect(readPlainYamlFast(`${text}x: &a [1]\ny: *a\n`)).toBeUndefined();
    expect(readPlainYamlFast(`${text}x: !foo bar\n`)).toBeUndefined();
    const duplicate = text.replace('gate:\n  fail-on: high\n', 'gate:\n  fail-on: high\n  fail-on: low\n');
    expect(readPlainYamlFast(duplicate)).toBeUndefined();
    expect(() => parseConfigText(duplicate, '.gatehouse.yml')).toThrow(/\.gatehouse\.yml:4:\d+ .*[Dd]uplicate|Map keys must be unique/);
    expect(() => parseConfigText(`${text}x: !foo bar\n`, '.gatehouse.yml')).toThrow(/unknown tag !foo/);
  });
});
