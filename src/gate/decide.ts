// The gate decision: given normalized, suppressed and compared findings and the scanner runs,
// does the change pass the policy in `.gatehouse.yml`, and why not, in words a developer can act on.
//
// Which findings count: not suppressed; with new-only, only those the change introduced (plus the
// newly disclosed ones when `newly-disclosed-blocks`); with `fixable-only`, dependency/container
// findings only when a fix exists. A finding whose suppression expired always counts again.
// Which threshold applies: the service's category override, else the service's fail-on, else the
// global category override, else the global fail-on (default high).
import type { GatehouseConfig } from '../config/schema.js';
import { SEVERITIES, type Category, type Finding, type Severity } from '../findings/finding.js';
import { scrubSecrets } from '../findings/redact.js';
import { SEVERITY_ORDER, isAtLeast } from '../findings/severity.js';
import type { CoverageGap, FeedStatusReport, GateDecision, GateReason, ScannerRun, SuppressionReport } from '../report/scan-report.js';
import { exploitationReasons } from './exploitation.js';
import { policyRisks, type PolicyRiskInput } from './policy-risks.js';
import { describeFinding } from './describe.js';
import { hasExpiredSuppression } from './suppressions.js';

export type GateConfig = GatehouseConfig['gate'];
export type ServiceGate = NonNullable<NonNullable<GatehouseConfig['services']>[number]['gate']>;

export interface DecideInput {
  findings: readonly Finding[];
  scanners: readonly ScannerRun[];
  gate: GateConfig;
  services: readonly { name: string; gate?: ServiceGate | undefined }[];
  newOnly: boolean;
  suppressions: readonly SuppressionReport[];
  baseline: 'report' | 'dashboard' | 'rescan' | 'none';
  /** Files a configured category should have read that nothing read (the coverage ledger's gaps). */
  coverageGaps?: { count: number; gaps: readonly CoverageGap[] };
  /** The exploitation feeds of this scan; a rule whose feed is unavailable falls back to severity (said). */
  feeds?: readonly FeedStatusReport[];
  /**
   * What the scan was set up to read (gate/policy-risks.ts): nothing at all is a gate reason; an
   * allow-path or suppression that matches everything, and open-ended suppressions, are warnings.
   * Absent: not judged (a caller that only re-decides findings).
   */
  policy?: Omit<PolicyRiskInput, 'suppressions'>;
}

/** How many findings a reason names before "and N more". */
const LISTED_PER_REASON = 3;

function thresholdFor(f: Finding, gate: GateConfig, serviceGate: ServiceGate | undefined): Severity {
  return (
    serviceGate?.categories?.[f.category]?.['fail-on'] ??
    serviceGate?.['fail-on'] ??
    gate.categories?.[f.category]?.['fail-on'] ??
    gate['fail-on']
  );
}

/** Where a finding's threshold comes from, in the config's own words. */
function thresholdSource(f: Finding, gate: GateConfig, serviceGate: ServiceGate | undefined): string {
  if (serviceGate?.categories?.[f.category]?.['fail-on']) return `service ${f.service}'s own fail-on for ${f.category} findings`;
  if (serviceGate?.['fail-on']) return `service ${f.service}'s own fail-on`;
  if (gate.categories?.[f.category]?.['fail-on']) return `the ${f.category} category's own fail-on (gate.categories.${f.category}.fail-on)`;
  return 'gate.fail-on';
}

/**
 * Pure: why findings at or above gate.fail-on that a reader sees in the table did not fail the gate
 * ("2 high misconfig findings did not count: the misconfig category's own fail-on (...) is critical").
 */
function notCountedNotes(input: DecideInput, counted: readonly Finding[], blocking: readonly Finding[]): string[] {
  const { gate } = input;
  const serviceGates = new Map(input.services.map((s) => [s.name, s.gate]));
  const blocked = new Set(blocking);
  const notes: string[] = [];
  const raised = new Map<string, { threshold: Severity; findings: Finding[] }>();
  for (const f of counted) {
    if (blocked.has(f) || !isAtLeast(f.severity, gate['fail-on'])) continue;
    const serviceGate = serviceGates.get(f.service);
    const key = `${thresholdSource(f, gate, serviceGate)}\u0000${f.severity}\u0000${f.category}`;
    const entry = raised.get(key) ?? { threshold: thresholdFor(f, gate, serviceGate), findings: [] };
    raised.set(key, entry);
    entry.findings.push(f);
  }
  for (const [key, { threshold, findings }] of raised) {
    const [source, severity, category] = key.split('\u0000') as [string, Severity, string];
    notes.push(`${plural(findings.length, `${severity} ${category} finding`)} did not count: ${source} is ${threshold} (${listFindings(findings)})`);
  }
  const countedSet = new Set(counted);
  const uncounted = input.findings.filter((f) => !countedSet.has(f) && f.status !== 'suppressed' && isAtLeast(f.severity, gate['fail-on']));
  const unfixable = uncounted.filter((f) => f.status === 'introduced' || !input.newOnly);
  if (unfixable.length > 0) {
    notes.push(`${plural(unfixable.length, `finding at or above ${gate['fail-on']}`)} did not count: no fix is available and fixable-only is on (${listFindings(unfixable)})`);
  }
  if (input.newOnly) {
    const old = uncounted.filter((f) => f.status !== 'introduced');
    if (old.length > 0) {
      notes.push(
        `${plural(old.length, `finding at or above ${gate['fail-on']}`)} did not count: not introduced by this change (the gate counts new findings only; gate.new-only)`,
      );
    }
  }
  return notes;
}

function isFixableCategory(c: Category): boolean {
  return c === 'dependency' || c === 'container';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function listFindings(findings: readonly Finding[]): string {
  const named = findings.slice(0, LISTED_PER_REASON).map(describeFinding).join(', ');
  const more = findings.length - LISTED_PER_REASON;
  return more > 0 ? `${named}, and ${more} more` : named;
}

function emptyCounts(): Record<Severity, number> {
  return Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

export function decideGate(input: DecideInput): GateDecision {
  const { gate } = input;
  const serviceGates = new Map(input.services.map((s) => [s.name, s.gate]));
  const reasons: GateReason[] = [];
  const warnings: string[] = [];
  const newlyDisclosedBlocks = gate['newly-disclosed-blocks'];

  const counts = (f: Finding): boolean => {
    if (f.status === 'suppressed') return false;
    const serviceGate = serviceGates.get(f.service);
    const fixableOnly = serviceGate?.['fixable-only'] ?? gate['fixable-only'] ?? false;
    if (fixableOnly && isFixableCategory(f.category) && !f.fixAvailable) return false;
    if (hasExpiredSuppression(f)) return true;
    if (!input.newOnly) return true;
    return f.status === 'introduced' || (f.status === 'newly-disclosed' && newlyDisclosedBlocks);
  };
  const counted = input.findings.filter(counts);
  const countedBySeverity = emptyCounts();
  for (const f of counted) countedBySeverity[f.severity]++;

  // 1. Severity threshold. Findings that count only because their suppression expired get their own
  //    reason, naming the suppression, so the developer knows to fix or renew it.
  const blocking = counted.filter((f) => isAtLeast(f.severity, thresholdFor(f, gate, serviceGates.get(f.service))));
  const [expiredBlocking, plainBlocking] = partition(blocking, hasExpiredSuppression);
  const adjective = input.newOnly ? 'new ' : '';
  for (const [key, group] of groupBy(plainBlocking, (f) => `${f.service}\u0000${f.severity}`)) {
    const [service, severity] = key.split('\u0000') as [string, Severity];
    reasons.push({
      kind: 'severity',
      service,
      severity,
      message: `${plural(group.length, `${adjective}${severity} finding`)} in ${service}: ${listFindings(group)}`,
      fingerprints: group.map((f) => f.fingerprint),
    });
  }
  reasons.sort((a, b) => SEVERITY_ORDER.indexOf(a.severity!) - SEVERITY_ORDER.indexOf(b.severity!));

  for (const [, group] of groupBy(expiredBlocking, (f) => `${f.suppression?.source}\u0000${f.suppression?.reason}\u0000${f.suppression?.expires}`)) {
    const s = group[0]!.suppression!;
    // Name the suppression by its id when the suppression report has it.
    const id = input.suppressions.find((r) => r.state === 'expired' && r.reason === s.reason && r.expires === s.expires)?.id;
    const name = id ? `suppression "${scrubSecrets(id)}"` : 'a suppression';
    const owner = s.owner ? ` (owner ${s.owner})` : '';
    const one = group.length === 1;
    reasons.push({
      kind: 'expired-suppression',
      service: group[0]!.service,
      message:
        `${name}${owner} expired on ${s.expires ?? '?'} ("${scrubSecrets(s.reason ?? '')}"), so ` +
        `${plural(group.length, 'finding')} ${one ? 'counts' : 'count'} again: ${listFindings(group)}. ` +
        `Fix ${one ? 'it' : 'them'} or renew the suppression with a new expiry date.`,
      fingerprints: group.map((f) => f.fingerprint),
    });
  }
  const blockingSet = new Set(blocking);
  for (const f of counted.filter((x) => hasExpiredSuppression(x) && !blockingSet.has(x))) {
    warnings.push(`a suppression of ${describeFinding(f)} expired on ${f.suppression?.expires ?? '?'}; it is below the fail-on threshold, so it does not block.`);
  }

  // 2. `max` counts: globally over all counted findings, and per service with the service's own max.
  for (const severity of SEVERITY_ORDER) {
    const limit = gate.max?.[severity];
    if (limit !== undefined && countedBySeverity[severity] > limit) {
      const group = counted.filter((f) => f.severity === severity);
      reasons.push({
        kind: 'max-count',
        severity,
        message: `${plural(group.length, `${adjective}${severity} finding`)} exceed the limit of ${limit} (gate.max.${severity}): ${listFindings(group)}`,
        fingerprints: group.map((f) => f.fingerprint),
      });
    }
  }
  for (const service of input.services) {
    const max = service.gate?.max;
    if (!max) continue;
    for (const severity of SEVERITY_ORDER) {
      const limit = max[severity];
      if (limit === undefined) continue;
      const group = counted.filter((f) => f.service === service.name && f.severity === severity);
      if (group.length > limit) {
        reasons.push({
          kind: 'max-count',
          service: service.name,
          severity,
          message: `${plural(group.length, `${adjective}${severity} finding`)} in ${service.name} exceed the service's limit of ${limit}: ${listFindings(group)}`,
          fingerprints: group.map((f) => f.fingerprint),
        });
      }
    }
  }

  // 2b. Exploitation: KEV-listed or likely-exploited (EPSS) findings, whatever their severity.
  const exploitation = exploitationReasons(counted, { gate, serviceGates, feeds: input.feeds, adjective });
  reasons.push(...exploitation.reasons);
  warnings.push(...exploitation.warnings);

  // 2c. Findings the table shows at or above gate.fail-on that did not count, and why: a category's
  //     or a service's own fail-on, or (a PR gating on what it introduces) not new.
  warnings.push(...notCountedNotes(input, counted, blocking));

  // 3. Scanner errors: fail closed unless `on-scanner-error: warn`.
  // One failure said once: runs that failed for the same reason (a missing tool in 13 services)
  // are one reason listing the scanners and services, with the install hint once.
  for (const message of foldScannerErrors(input.scanners)) {
    if (gate['on-scanner-error'] === 'fail') {
      reasons.push({
        kind: 'scanner-error',
        ...(message.services.length === 1 ? { service: message.services[0] } : { services: message.services }),
        message: message.text,
        fingerprints: [],
      });
    } else warnings.push(`${message.text} (on-scanner-error: warn, so the gate does not fail on it)`);
  }

  // 3b. Coverage gaps: one reason per category and why, naming the first files.
  if (input.coverageGaps && input.coverageGaps.count > 0) {
    for (const message of describeCoverageGaps(input.coverageGaps)) {
      if (gate['on-coverage-gap'] === 'fail') reasons.push({ kind: 'coverage-gap', message, fingerprints: [] });
      else warnings.push(`${message} (on-coverage-gap: warn, so the gate does not fail on it)`);
    }
  }

  // 3c. A scan that read nothing never passes; settings that hide everything are said.
  const risks = input.policy ? policyRisks({ ...input.policy, suppressions: input.suppressions }) : { reasons: [], notes: [] };
  reasons.push(...risks.reasons);

  // 4. Non-blocking notes.
  // A run that finished but whose tool reported problems (semgrep `errors[]` such as rule timeouts,
  // SARIF error notifications) may have scanned only part of the code: say so in every report,
  // so a partial scan never reads as a clean pass. Not a failure: tools report such notes routinely.
  // A repository-wide import gives every service a run with the same toolErrors: one warning for them.
  const withToolErrors = new Map<string, { run: ScannerRun; services: string[] }>();
  for (const run of input.scanners.filter((r) => r.status !== 'error' && r.toolErrors.length > 0)) {
    const key = JSON.stringify([run.scanner, run.toolErrors]);
    const seen = withToolErrors.get(key);
    if (seen) seen.services.push(run.service);
    else withToolErrors.set(key, { run, services: [run.service] });
  }
  for (const { run, services } of withToolErrors.values()) {
    const first = scrubSecrets(run.toolErrors[0]!).slice(0, 300);
    const more = run.toolErrors.length > 1 ? ` (and ${run.toolErrors.length - 1} more)` : '';
    warnings.push(`${run.scanner} (${run.category}) in ${services.join(', ')} reported ${plural(run.toolErrors.length, 'problem')} of its own, so its results may be incomplete: ${first}${more}`);
  }
  for (const s of input.suppressions) {
    if (s.state === 'expiring') warnings.push(`suppression "${s.id}" expires on ${s.expires}${s.owner ? ` (owner ${s.owner})` : ''}: fix the finding or renew it.`);
    if (s.state === 'stale') warnings.push(`suppression "${s.id}" matched no finding: remove it if the problem is gone.`);
  }
  // Nothing scanned (a folder the change does not touch): nothing to compare, nothing to warn of.
  if (input.baseline === 'none' && input.newOnly && input.services.length > 0) {
    warnings.push('no baseline scan was available: findings in changed files count as introduced, the rest as existing.');
  }

  warnings.push(...risks.notes.map((n) => n.message));

  const onlyScannerErrors = reasons.length > 0 && reasons.every((r) => r.kind === 'scanner-error');
  return {
    passed: reasons.length === 0,
    outcome: reasons.length === 0 ? 'passed' : onlyScannerErrors ? 'scanner-error' : 'failed',
    reasons,
    warnings,
    counted: countedBySeverity,
    policy: risks.notes,
  };
}

/**
 * Pure: failed runs grouped by their error text ("trivy is not installed ...; to install: ..."),
 * in order of first appearance: one sentence per distinct failure, naming the scanners and the
 * services it hit ("trivy-fs (dependency) could not scan a, b, c: ...").
 */
export function foldScannerErrors(runs: readonly ScannerRun[]): { text: string; services: string[] }[] {
  const groups = new Map<string, Map<string, { category: string; services: string[] }>>();
  for (const run of runs.filter((r) => r.status === 'error')) {
    const error = scrubSecrets(run.error ?? 'unknown error');
    const byScanner = groups.get(error) ?? new Map<string, { category: string; services: string[] }>();
    groups.set(error, byScanner);
    const entry = byScanner.get(run.scanner) ?? { category: run.category, services: [] };
    byScanner.set(run.scanner, entry);
    if (!entry.services.includes(run.service)) entry.services.push(run.service);
  }
  return [...groups].map(([error, byScanner]) => {
    const scanners = [...byScanner];
    const services = [...new Set(scanners.flatMap(([, e]) => e.services))];
    const sameServices = scanners.every(([, e]) => e.services.join('\0') === scanners[0]![1].services.join('\0'));
    const who = sameServices
      ? `${scanners.map(([id, e]) => `${id} (${e.category})`).join(', ')} could not scan ${services.join(', ')}`
      : `${scanners.map(([id, e]) => `${id} (${e.category}) in ${e.services.join(', ')}`).join('; ')} could not run`;
    return { text: `${who}: ${error}`, services };
  });
}

function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const item of items) (test(item) ? yes : no).push(item);
  return [yes, no];
}

/** "2 lockfiles no dependency scanner read: src/x/package-lock.json, ... (not at a service root ...)". */
export function describeCoverageGaps(input: { count: number; gaps: readonly CoverageGap[] }): string[] {
  const groups = groupBy(input.gaps, (g) => `${g.category}\u0000${g.reason}`);
  const listed = input.gaps.length;
  const messages = [...groups.values()].map((group) => {
    const g = group[0]!;
    const paths = group.slice(0, LISTED_PER_REASON).map((x) => scrubSecrets(x.path)).join(', ');
    const more = group.length > LISTED_PER_REASON ? `, and ${group.length - LISTED_PER_REASON} more` : '';
    return `coverage gap: ${plural(group.length, 'file')} no ${g.category} scanner read: ${paths}${more} (${scrubSecrets(g.reason)})`;
  });
  if (input.count > listed) messages.push(`coverage gap: ${input.count - listed} more files no configured scanner read (see the coverage ledger)`);
  return messages;
}
