// The one severity-mapping table: every tool level -> Gatehouse level. The README shows the same
// table (test/findings/severity.test.ts keeps them in sync).
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

/**
 * tool -> tool word (lower case) -> Gatehouse severity. Words not in a tool's row map to `unknown`.
 */
export const SEVERITY_TABLE: Record<string, Record<string, Severity>> = {
  trivy: { critical: 'critical', high: 'high', medium: 'medium', low: 'low', unknown: 'unknown' },
  grype: { critical: 'critical', high: 'high', medium: 'medium', low: 'low', negligible: 'info', unknown: 'unknown' },
  'npm-audit': { critical: 'critical', high: 'high', moderate: 'medium', low: 'low', info: 'info' },
  'yarn-audit': { critical: 'critical', high: 'high', moderate: 'medium', low: 'low', info: 'info' },
  'pnpm-audit': { critical: 'critical', high: 'high', moderate: 'medium', low: 'low', info: 'info' },
  'osv-scanner': { critical: 'critical', high: 'high', moderate: 'medium', medium: 'medium', low: 'low' },
  semgrep: {
    critical: 'critical',
    high: 'high',
    error: 'high',
    medium: 'medium',
    warning: 'medium',
    low: 'low',
    info: 'info',
    inventory: 'info',
    experiment: 'info',
  },
  // SARIF levels, for any tool read through the generic adapter (and semgrep/gitleaks SARIF when no
  // security-severity property is present).
  sarif: { error: 'high', warning: 'medium', note: 'low', none: 'info' },
  // SARIF `security-severity` given as a word rather than a CVSS-scale number (semgrep writes "HIGH").
  'sarif-security-severity': { critical: 'critical', high: 'high', medium: 'medium', low: 'low', info: 'info' },
  // gitleaks has no severity: every leak is a leaked credential.
  gitleaks: { '': 'high' },
};

export function mapSeverity(tool: string, word: string | undefined | null): Severity {
  const row = SEVERITY_TABLE[tool];
  if (!row) throw new Error(`no severity mapping for tool "${tool}"`);
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
