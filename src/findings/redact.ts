// Redaction: a secret's value never leaves the scanner step. Parsers keep only `maskSecret(value)`
// and `sha256Hex(value)`; every text a tool provides (titles, messages, fix hints, tool errors) goes
// through `scrubSecrets`, which runs the embedded secret scanner's own engine and rule set on it (so
// every kind it finds in a file is also found in a tool's text), then the token shapes below.
import * as crypto from 'node:crypto';
import { findSecretsInText } from '../scanners/gatehouse-secrets/find-in-text.js';

const MASK = '****';

/** Values shorter than this get no visible character at all. */
export const PREVIEW_MIN_LENGTH = 16;
/** At most this many characters are shown, and never more than a quarter of the value. */
export const PREVIEW_MAX_CHARS = 4;

/**
 * A masked preview of a secret: at most a 4-character prefix (the provider prefix of a token,
 * `ghp_****`) and never more than a quarter of the value, and nothing at all for values under 16
 * characters, where 4 characters would be a large part of it (a password). The mask has a fixed
 * length so the preview does not leak the secret's length either.
 */
export function maskSecret(value: string): string {
  const trimmed = value.trim();
  if (trimmed.length < PREVIEW_MIN_LENGTH) return MASK;
  // Code points, not UTF-16 units: a preview never ends in half a surrogate pair.
  const shown = Math.min(PREVIEW_MAX_CHARS, Math.floor([...trimmed].length / 4));
  return `${[...trimmed].slice(0, shown).join('')}${MASK}`;
}

/** sha256 of a text as lower-case hex (fingerprints hash secrets and matched code with it). */
export function sha256Hex(text: string): string {
  // crypto.hash (Node >= 20.12) is a one-shot, several times cheaper than a Hash object per call:
  // it matters when 100,000 findings are fingerprinted.
  if (typeof oneShotHash === 'function') return oneShotHash('sha256', text, 'hex');
  return crypto.createHash('sha256').update(text, 'utf8').digest('hex');
}

const oneShotHash = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

/** Masks the value but keeps its leading provider prefix, so a reader still sees what kind it was. */
function keepPrefix(prefixLength: number) {
  return (match: string) => `${match.slice(0, prefixLength)}${MASK}`;
}

interface ScrubRule {
  /** A cheap test that lets most texts skip the regular expression. */
  hint: RegExp;
  pattern: RegExp;
  replace: (match: string, ...groups: string[]) => string;
}

// Token shapes from the providers' documented formats (GitHub, Slack, AWS, Stripe, npm, GitLab,
// Google, JWT). The lengths are minimums, so a truncated token is still caught.
const SCRUB_RULES: ScrubRule[] = [
  {
    // A whole PEM private key block; also an unterminated one (header plus base64 body), and JSON-escaped
    // newlines ("\n") inside it.
    hint: /PRIVATE KEY/,
    pattern:
      /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----(?:[\s\S]*?-----END ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----|(?:\\[nr]|[A-Za-z0-9+/=\s:,.-])*)/g,
    replace: () => `-----BEGIN PRIVATE KEY-----${MASK}-----END PRIVATE KEY-----`,
  },
  {
    // A whole PuTTY key file (public lines too: a tool echoing one has echoed the private lines).
    hint: /PuTTY-User-Key-File/,
    pattern: /PuTTY-User-Key-File-\d+:[^\r\n]*(?:\r?\n(?:[\w-]+: [^\r\n]*|[A-Za-z0-9+/=]+))*/g,
    replace: () => `PuTTY-User-Key-File: ${MASK}`,
  },
  {
    hint: /gh[pousr]_/,
    pattern: /\bgh[pousr]_[A-Za-z0-9]{16,}/g,
    replace: keepPrefix(4),
  },
  {
    hint: /github_pat_/,
    pattern: /\bgithub_pat_[A-Za-z0-9_]{16,}/g,
    replace: keepPrefix(11),
  },
  {
    hint: /xox/,
    pattern: /\bxox[abposre]-[A-Za-z0-9-]{8,}/g,
    replace: keepPrefix(5),
  },
  {
    hint: /hooks\.slack\.com/,
    pattern: /hooks\.slack\.com\/services\/[A-Za-z0-9/_-]+/g,
    replace: () => `hooks.slack.com/services/${MASK}`,
  },
  {
    hint: /A[KS]IA|A3T/,
    pattern: /\b(?:A3T[A-Z0-9]|AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g,
    replace: keepPrefix(4),
  },
  {
    hint: /[sr]k_(?:live|test)_/,
    pattern: /\b[sr]k_(?:live|test)_[A-Za-z0-9]{10,}/g,
    replace: keepPrefix(8),
  },
  {
    hint: /npm_/,
    pattern: /\bnpm_[A-Za-z0-9]{30,}/g,
    replace: keepPrefix(4),
  },
  {
    hint: /glpat-/,
    pattern: /\bglpat-[A-Za-z0-9_-]{16,}/g,
    replace: keepPrefix(6),
  },
  {
    hint: /AIza/,
    pattern: /\bAIza[0-9A-Za-z_-]{30,}/g,
    replace: keepPrefix(4),
  },
  {
    // JSON Web Tokens: header.payload.signature, all base64url, header starting with {" -> eyJ.
    hint: /eyJ/,
    pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
    replace: keepPrefix(3),
  },
  {
    // user:password@host in a URL: keep the scheme and user, mask the password.
    hint: /:\/\/[^\s]*@/,
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+):([^\s/@]+)@/gi,
    replace: (_m, userPart: string, password: string) => (isMasked(password) ? _m : `${userPart}:${MASK}@`),
  },
  {
    // Prose: "login failed, password Hunter2xYzQ8" (no `=` or `:`). A plain word after it is prose
    // ("password reset", "password policy:"); a URL or an advisory id is not a password.
    hint: /pass|pwd/i,
    pattern: /\b(passwords?|passwd|pwd|passphrase)(\s+)(?!https?:\/\/|CVE-|GHSA-)([^\s"'`,;)}<>\]]{5,}[^\s"'`,;)}<>\].:!?])/gi,
    replace: (m, name: string, space: string, value: string) =>
      isMasked(value) || !looksLikeSecretValue(value) ? m : `${name}${space}${MASK}`,
  },
  {
    // password=..., "api_key": "...", SECRET_TOKEN: ... (assignment-shaped, the value masked).
    hint: /pass|pwd|secret|token|api[_-]?key|access[_-]?key|credential/i,
    pattern:
      /\b([A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|credentials?))(["']?\s*(?::=|=|:)\s*["']?)([^\s"'`&,;)}<>\]]{4,})/gi,
    replace: (m, name: string, sep: string, value: string) =>
      isMasked(value) || !looksLikeSecretValue(value) ? m : `${name}${sep}${MASK}`,
  },
];

/**
 * Prose such as "jsonwebtoken: verification step bypass" (a real trivy title) has the shape of an
 * assignment too. A value that is one plain lower-case word is prose; a credential has digits,
 * symbols or mixed case, or is long.
 */
function looksLikeSecretValue(value: string): boolean {
  if (/[^A-Za-z]/.test(value)) return true;
  return value.length >= 16 || (/[a-z]/.test(value) && /[A-Z]/.test(value.slice(1)));
}

/** Already masked by the tool (trivy prints `*****`), or one of our own masks. */
function isMasked(value: string): boolean {
  return /^\*+$/.test(value) || value === MASK;
}

// One quick test for all the hints, so the common case (no secret-like word at all) costs one scan.
const ANY_HINT = new RegExp(SCRUB_RULES.map((r) => r.hint.source).join('|'), 'i');

/**
 * Masks what the embedded secret scanner finds in a text (`findSecretsInText`: its engine and full
 * rule set, the text read as plain prose, where an unquoted `password=value` counts): each secret
 * becomes its masked preview (`maskSecret`), the text around it stays readable.
 */
export function maskDetectedSecrets(text: string): string {
  const spans = findSecretsInText(text);
  if (spans.length === 0) return text;
  // From the end, so earlier offsets stay valid; spans never overlap.
  let out = text;
  for (let i = spans.length - 1; i >= 0; i--) {
    const { start, end } = spans[i];
    out = `${out.slice(0, start)}${maskSecret(text.slice(start, end))}${out.slice(end)}`;
  }
  return out;
}

/**
 * Masks every secret in free text: the token shapes above (which keep a provider's prefix, `sk_live_****`),
 * then whatever else the embedded secret scanner finds with its full rule set. Parsers must not put secrets into findings in the first
 * place; every tool-provided text goes through this before it reaches a report.
 */
export function scrubSecrets(text: string): string {
  let out = text;
  if (ANY_HINT.test(text)) {
    for (const rule of SCRUB_RULES) {
      if (!rule.hint.test(out)) continue;
      rule.pattern.lastIndex = 0;
      out = out.replace(rule.pattern, rule.replace as (substring: string, ...args: string[]) => string);
    }
  }
  return maskDetectedSecrets(out);
}
