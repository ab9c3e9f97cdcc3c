// findSecretsInText: the stable library entry other parts (issue-8's scrubSecrets) call.
import { describe, expect, it } from 'vitest';
import { findSecretsInText } from '../../src/scanners/gatehouse-secrets/find-in-text.js';
import { ALNUM, Random } from './corpus-gen/values.js';

const random = new Random(7);

describe('findSecretsInText', () => {
  it('returns the span of each secret value, so a caller can mask exactly the value', () => {
    const token = `ghp_${random.chars(ALNUM, 36)}`;
    const password = 'Tr0ub4dor&3x!';
    const text = `upload failed for token ${token}\nconfig: db_password = "${password}" (line 4)`;
    const spans = findSecretsInText(text);
    expect(spans.map((s) => text.slice(s.start, s.end))).toEqual([token, password]);
    expect(spans[0]).toMatchObject({ ruleId: 'github-pat', family: 'provider-token' });
  });

  it('returns nothing for prose and survives binary-looking and huge input', () => {
    expect(findSecretsInText('jsonwebtoken: verification step bypass')).toEqual([]);
    expect(findSecretsInText('\u0000\uFFFD\uD800 key= \u0000'.repeat(1000))).toEqual([]);
    expect(findSecretsInText('a'.repeat(2_000_000))).toEqual([]);
  });
});
