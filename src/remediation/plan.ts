// The remediation plan: for each service and package, the smallest version that fixes all of its
// open findings, and what that upgrade fixes ("upgrade django 2.2.0 -> 2.2.10: 3 critical, 1 KEV").
//
// A tool lists one fixed version per release line ("3.0.3, 2.2.10, 1.11.28"). A candidate version
// V fixes a finding when V is at or above the finding's highest fixed version, or at or above a
// fixed version of V's own line (same first two numbers). The candidates are the fixed versions
// above the installed one, smallest first: the first that fixes every finding wins.
//
// Findings without a fixed version, and versions the ecosystem's order cannot read, are said in the
// step's note: never dropped, never guessed.
import { SEVERITIES, type Finding, type Severity } from '../findings/finding.js';
import { SEVERITY_RANK } from '../findings/severity.js';
import type { RemediationStep } from '../report/scan-report.js';
import { comparatorFor, type Compare } from './versions.js';

function emptyCounts(): Record<Severity, number> {
  return Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
}

/** "2.2.10" -> "2.2": the release line a fixed version belongs to. */
function lineOf(version: string): string | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(version.trim());
  return m ? `${m[1]}.${m[2]}` : undefined;
}

function fixesFinding(candidate: string, fixed: readonly string[], compare: Compare): boolean | undefined {
  let highest: string | undefined;
  for (const f of fixed) {
    const c = compare(f, highest ?? f);
    if (c === undefined) return undefined;
    if (highest === undefined || c > 0) highest = f;
  }
  if (highest === undefined) return false;
  const atHighest = compare(candidate, highest);
  if (atHighest === undefined) return undefined;
  if (atHighest >= 0) return true;
  const line = lineOf(candidate);
  for (const f of fixed) {
    if (line === undefined || lineOf(f) !== line) continue;
    const c = compare(candidate, f);
    if (c === undefined) return undefined;
    if (c >= 0) return true;
  }
  return false;
}

export function planRemediation(findings: readonly Finding[]): RemediationStep[] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const pkg = f.location.package;
    if (!pkg || f.status === 'suppressed' || (f.category !== 'dependency' && f.category !== 'container')) continue;
    const key = JSON.stringify([f.service, pkg.ecosystem, pkg.name, pkg.version, f.location.path ?? f.location.image ?? '']);
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  const steps = [...groups.values()].map(planPackage);
  return steps.sort(
    (a, b) =>
      b.kev - a.kev ||
      (b.maxEpss ?? -1) - (a.maxEpss ?? -1) ||
      worst(b) - worst(a) ||
      b.fixes.length - a.fixes.length ||
      a.service.localeCompare(b.service) ||
      a.package.localeCompare(b.package),
  );
}

function worst(step: RemediationStep): number {
  return Math.max(0, ...SEVERITIES.filter((s) => step.counts[s] > 0).map((s) => SEVERITY_RANK[s]));
}

function planPackage(group: Finding[]): RemediationStep {
  const first = group[0]!;
  const pkg = first.location.package!;
  const compare = comparatorFor(pkg.ecosystem);
  const withFix = group.filter((f) => f.location.package!.fixedVersions.length > 0);
  const unfixed = group.filter((f) => f.location.package!.fixedVersions.length === 0);
  const notes: string[] = [];
  let to: string | undefined;
  let fixed: Finding[] = [];

  if (withFix.length > 0 && !compare) {
    notes.push(`no version order is known for ecosystem "${pkg.ecosystem}": upgrade to a version at or above ${uniqueVersions(withFix).join(', ')}`);
  } else if (withFix.length > 0 && compare) {
    const all = uniqueVersions(withFix);
    const unreadable = [...all, ...(pkg.version ? [pkg.version] : [])].filter((v) => compare(v, v) === undefined);
    if (unreadable.length > 0) {
      notes.push(`versions that do not compare in ${pkg.ecosystem} order (${unreadable.slice(0, 4).map((v) => `"${v}"`).join(', ')}): upgrade to a version at or above ${all.join(', ')}`);
    } else {
      const candidates = all
        .filter((v) => !pkg.version || (compare(v, pkg.version) ?? 0) > 0)
        .sort((a, b) => compare(a, b) ?? 0);
      for (const candidate of candidates) {
        if (withFix.every((f) => fixesFinding(candidate, f.location.package!.fixedVersions, compare) === true)) {
          to = candidate;
          break;
        }
      }
      if (to) fixed = withFix;
      else notes.push(`no single listed version fixes every finding: upgrade to a version at or above ${all.join(', ')}`);
    }
  }
  if (unfixed.length > 0) {
    const ids = unfixed.slice(0, 3).map((f) => f.ruleId).join(', ');
    notes.push(`no fixed version is known for ${ids}${unfixed.length > 3 ? ` and ${unfixed.length - 3} more` : ''}`);
  }
  const counted = fixed.length > 0 ? fixed : group;
  const counts = emptyCounts();
  for (const f of counted) counts[f.severity]++;
  const epss = counted.map((f) => f.epss?.probability).filter((p): p is number => p !== undefined);
  const where = first.location.path ?? first.location.image;
  return {
    service: first.service,
    ecosystem: pkg.ecosystem,
    package: pkg.name,
    from: pkg.version,
    ...(to ? { to } : {}),
    ...(where ? { where } : {}),
    fixes: fixed.map((f) => f.fingerprint),
    counts,
    kev: counted.filter((f) => f.kev).length,
    ...(epss.length > 0 ? { maxEpss: Math.max(...epss) } : {}),
    ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
    unfixed: unfixed.map((f) => f.fingerprint),
  };
}

function uniqueVersions(findings: readonly Finding[]): string[] {
  return [...new Set(findings.flatMap((f) => f.location.package!.fixedVersions.map((v) => v.trim()).filter(Boolean)))];
}

/** "upgrade django 2.2.0 -> 2.2.10: 3 critical, 1 high, 1 KEV" (plain text; reporters escape it). */
export function describeStep(step: RemediationStep): string {
  const what = SEVERITIES.filter((s) => step.counts[s] > 0).map((s) => `${step.counts[s]} ${s}`);
  if (step.kev > 0) what.push(`${step.kev} KEV`);
  const from = step.from ? ` ${step.from}` : '';
  const head = step.to ? `upgrade ${step.package}${from} -> ${step.to}` : `${step.package}${from}: no single upgrade known`;
  return `${head}: ${what.join(', ') || 'nothing counted'}${step.to ? '' : step.note ? ` (${step.note})` : ''}`;
}
