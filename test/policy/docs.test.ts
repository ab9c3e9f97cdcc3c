import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { POLICY_DOCS, renderPolicyRules, withPolicyRules } from '../../scripts/gen-policy-docs.js';
import { CI_RULES } from '../../src/scanners/gatehouse-ci/check.js';
import { DEPLOY_RULES } from '../../src/scanners/gatehouse-deploy/rules.js';

describe('docs/policy-checks.md', () => {
  it('holds the rule tables generated from the source (run scripts/gen-policy-docs.ts after changing a rule)', () => {
    const page = readFileSync(POLICY_DOCS, 'utf8');
    expect(withPolicyRules(page)).toBe(page);
  });

  it('lists every rule with the practice it enforces', () => {
    const text = renderPolicyRules();
    for (const rule of [...CI_RULES, ...DEPLOY_RULES]) {
      expect(rule.practice.length, rule.id).toBeGreaterThan(20);
      expect(text).toContain(`| \`${rule.id}\` | ${rule.severity} |`);
    }
    expect(new Set([...CI_RULES, ...DEPLOY_RULES].map((r) => r.id)).size).toBe(CI_RULES.length + DEPLOY_RULES.length);
  });
});
