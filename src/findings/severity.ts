// Severity ranks and the word -> severity mapping. Each adapter carries its own words
// (`about.severityWords`); the README table is generated from the registry (scripts/gen-severity-table.ts).
import type { Severity } from './finding.js';

export const SEVERITY_RANK: Record<Severity, number> = {
  critical: 5,
  high: 4,
  medium: 3,
  low: 2,
  info: 1,
  // A severity the tool did not give is not "harmless": it ranks with medium for `fail-on`, so a
  // gate at medium or below still sees it. See README "Severity mapping".
  unknown: 3,
};

/** Severities from worst to least, for tables and sorting. */
export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info', 'unknown'];

export function isAtLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold];
}

/** A tool's severity words (lower case) -> Gatehouse severity. */
export type SeverityWords = Readonly<Record<string, Severity>>;

/**
 * Rows that belong to no single adapter: SARIF levels, for any tool read through the generic adapter
 * (and semgrep/gitleaks SARIF when no security-severity property is present), and SARIF
 * `security-severity` given as a word rather than a CVSS-scale number (semgrep writes "HIGH").
 * Each adapter carries its own words (`about.severityWords`); the README table is built from both.
 */
export const GENERIC_SEVERITY_WORDS: Readonly<Record<string, SeverityWords>> = {
  sarif: { error: 'high', warning: 'medium', note: 'low', none: 'info' },
  'sarif-security-severity': { critical: 'critical', high: 'high', medium: 'medium', low: 'low', info: 'info' },
};

/**
 * A tool word -> Gatehouse severity, through the adapter's own words or a generic row by name
 * ("sarif", "sarif-security-severity"). A word not in the row maps to `unknown`, never to `info`.
 */
export function mapSeverity(words: SeverityWords | keyof typeof GENERIC_SEVERITY_WORDS, word: string | undefined | null): Severity {
  const row = typeof words === 'string' ? GENERIC_SEVERITY_WORDS[words] : words;
  if (!row) throw new Error(`no generic severity row "${String(words)}"`);
  return row[(word ?? '').trim().toLowerCase()] ?? 'unknown';
}

/**
 * CVSS base score -> severity (CVSS v3 qualitative scale), also used for SARIF
 * `security-severity` properties, which GitHub reads on the same scale.
 */
export function severityFromScore(score: number): Severity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'info';
}
