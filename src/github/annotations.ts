// Annotations on the changed files for what the PR introduced. GitHub keeps at most 10 annotations of
// each type (error, warning, notice) per step and 50 per job, and drops the rest silently; so the
// budget is spent on purpose: introduced findings of the highest severity first (those with a line
// before those without), and what did not fit is counted and said in the job summary.
import type { AnnotationProperties } from '@actions/core';
import { SEVERITY_ORDER } from '../findings/severity.js';
import { scrubSecrets } from '../findings/redact.js';
import { neutraliseInvisibleText } from '../report/invisible-text.js';
import type { Finding } from '../findings/finding.js';
import type { ScanReport } from '../report/scan-report.js';
import { repositoryPath } from '../services/repo-path.js';

/** GitHub: "10 warning annotations and 10 error annotations per step", 50 annotations per job. */
export const ANNOTATIONS_PER_LEVEL = 10;
export const ANNOTATIONS_PER_JOB = 50;
/** Exported to later steps of the same job (GITHUB_ENV), so a second Gatehouse step knows what is left. */
export const ANNOTATIONS_USED_ENV = 'GATEHOUSE_ANNOTATIONS_USED';

export type AnnotationLevel = 'error' | 'warning' | 'notice';

export interface AnnotationSink {
  error(message: string, properties: AnnotationProperties): void;
  warning(message: string, properties: AnnotationProperties): void;
  notice(message: string, properties: AnnotationProperties): void;
}

export interface AnnotationPlan {
  chosen: { finding: Finding; level: AnnotationLevel }[];
  /** Introduced findings with a path that got no annotation. */
  omitted: number;
}

export function levelOf(f: Finding): AnnotationLevel {
  if (f.severity === 'critical' || f.severity === 'high') return 'error';
  if (f.severity === 'medium' || f.severity === 'unknown') return 'warning';
  return 'notice';
}

function rank(f: Finding): number {
  const i = (SEVERITY_ORDER as readonly string[]).indexOf(f.severity);
  return i === -1 ? 99 : i;
}

/** Which introduced findings get the step's annotations; `usedInJob` counts earlier steps' ones. */
export function planAnnotations(report: ScanReport, options: { usedInJob?: number } = {}): AnnotationPlan {
  const candidates = report.findings
    .filter((f) => f.status === 'introduced' && f.location.path)
    .sort((a, b) => rank(a) - rank(b) || Number(!a.location.startLine) - Number(!b.location.startLine));
  let jobLeft = Math.max(0, ANNOTATIONS_PER_JOB - (options.usedInJob ?? 0));
  const used: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
  const chosen: AnnotationPlan['chosen'] = [];
  for (const finding of candidates) {
    if (jobLeft === 0) break;
    const level = levelOf(finding);
    if (used[level] >= ANNOTATIONS_PER_LEVEL) continue;
    used[level]++;
    jobLeft--;
    chosen.push({ finding, level });
  }
  return { chosen, omitted: candidates.length - chosen.length };
}

/** The summary's sentence for what did not fit (undefined when everything was annotated). */
export function omittedAnnotationsNote(plan: AnnotationPlan): string | undefined {
  if (plan.omitted === 0) return undefined;
  return (
    `${plan.omitted} more introduced ${plan.omitted === 1 ? 'finding is' : 'findings are'} not annotated: GitHub shows at most ` +
    `${ANNOTATIONS_PER_LEVEL} annotations of each type per step and ${ANNOTATIONS_PER_JOB} per job, so the most severe got them. ` +
    'All of them are listed in this summary, the PR comment and the JSON report.'
  );
}

export function emitAnnotations(report: ScanReport, sink: AnnotationSink, options: { usedInJob?: number } = {}): { emitted: number; omitted: number; plan: AnnotationPlan } {
  const plan = planAnnotations(report, options);
  // " — " rather than ": " between parts, so the scrubber does not read "…token: text" as an assignment.
  const sentence = (t: string) => t.trim().replace(/\.+$/, '') + '.';
  for (const { finding: f, level } of plan.chosen) {
    const fix = f.fix ? ` Fix — ${sentence(f.fix)}` : '';
    const message = neutraliseInvisibleText(scrubSecrets(`${f.severity.toUpperCase()} — ${sentence(f.message)}${fix}`));
    const properties: AnnotationProperties = {
      title: neutraliseInvisibleText(scrubSecrets(`Gatehouse: ${f.ruleId} (${f.tool})`)),
      // GitHub places an annotation by the file's path from the repository's top.
      file: f.location.path === undefined ? undefined : repositoryPath(report.source.root, f.location.path),
      startLine: f.location.startLine && f.location.startLine > 0 ? f.location.startLine : undefined,
      endLine: f.location.endLine && f.location.endLine > 0 ? f.location.endLine : undefined,
    };
    sink[level](message, properties);
  }
  return { emitted: plan.chosen.length, omitted: plan.omitted, plan };
}
