// The scanner's rules as a library call on one text: for code that must scrub text it did not
// write (tool titles, messages, logs) with the same rules the scanner uses on files.
import { SecretEngine } from './engine.js';
import type { RuleFamily } from './rules.js';

/** Where a secret value sits in a text: `text.slice(start, end)` is the value. */
export interface SecretSpan {
  /** UTF-16 offsets into the text given (end exclusive). */
  start: number;
  end: number;
  ruleId: string;
  family: RuleFamily;
}

let sharedEngine: SecretEngine | undefined;

/**
 * Finds the secret values in a free text and returns their spans, in text order, never
 * overlapping. A stable entry point (issue-8's `scrubSecrets` calls it): it keeps this signature
 * whatever the rules become. Pure apart from compiling the rules once per process; never throws on
 * odd input (binary, invalid UTF-16, huge lines). `path` lets rules that depend on a file kind
 * apply (e.g. `.npmrc`); by default the text is read as free prose (`message.txt`), where unquoted
 * `name=value` pairs count.
 */
export function findSecretsInText(text: string, path = 'message.txt'): SecretSpan[] {
  sharedEngine ??= new SecretEngine();
  return sharedEngine.scan(text, path).map((m) => ({ start: m.start, end: m.end, ruleId: m.ruleId, family: m.family }));
}
