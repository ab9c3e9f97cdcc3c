// Annotations on the changed lines for what the PR introduced. GitHub shows at most 10 error and 10
// warning annotations per step (50 per job), so the most severe come first and the rest are counted.
import type { AnnotationProperties } from '@actions/core';
import { SEVERITY_ORDER } from '../findings/severity.js';
import { scrubSecrets } from '../findings/redact.js';
import type { Finding } from '../findings/finding.js';
import type { ScanReport } from '../report/scan-report.js';

export const ANNOTATIONS_PER_LEVEL = 10;

export interface AnnotationSink {
  error(message: string, properties: AnnotationProperties): void;
  warning(message: string, properties: AnnotationProperties): void;
}

function rank(f: Finding): number {
  const i = (SEVERITY_ORDER as readonly string[]).indexOf(f.severity);
  return i === -1 ? 99 : i;
}

export function emitAnnotations(report: ScanReport, sink: AnnotationSink): { emitted: number; omitted: number } {
  const candidates = report.findings
    .filter((f) => f.status === 'introduced' && f.location.path)
    .sort((a, b) => rank(a) - rank(b));
  const used = { error: 0, warning: 0 };
  let emitted = 0;
  for (const f of candidates) {
    const level = f.severity === 'critical' || f.severity === 'high' ? 'error' : 'warning';
    if (used[level] >= ANNOTATIONS_PER_LEVEL) continue;
    used[level]++;
    emitted++;
    // " — " rather than ": " between parts, so the scrubber does not read "…token: text" as an assignment.
    const sentence = (t: string) => t.trim().replace(/\.+$/, '') + '.';
    const fix = f.fix ? ` Fix — ${sentence(f.fix)}` : '';
    const message = scrubSecrets(`${f.severity.toUpperCase()} — ${sentence(f.message)}${fix}`);
    const properties: AnnotationProperties = {
      title: scrubSecrets(`Gatehouse: ${f.ruleId} (${f.tool})`),
      file: f.location.path,
      startLine: f.location.startLine && f.location.startLine > 0 ? f.location.startLine : undefined,
      endLine: f.location.endLine && f.location.endLine > 0 ? f.location.endLine : undefined,
    };
    sink[level](message, properties);
  }
  return { emitted, omitted: candidates.length - emitted };
}
