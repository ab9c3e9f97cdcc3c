// The action's outputs (action.yml declares exactly these; a test keeps them in sync).
import { SEVERITIES, type Severity } from '../findings/finding.js';
import type { ScanReport } from '../report/scan-report.js';

export const OUTPUT_NAMES = ['passed', 'outcome', ...SEVERITIES, 'report-file', 'sarif-file', 'comment-url'] as const;
export type OutputName = (typeof OUTPUT_NAMES)[number];

export interface OutputSink {
  setOutput(name: OutputName, value: string): void;
}

/** Introduced findings per severity (what this PR adds), the verdict and the file paths. */
export function setOutputs(io: OutputSink, report: ScanReport, reportFile: string, sarifFile: string): void {
  io.setOutput('passed', String(report.gate.passed));
  io.setOutput('outcome', report.gate.outcome);
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of report.findings) if (f.status === 'introduced') counts[f.severity]++;
  for (const s of SEVERITIES) io.setOutput(s, String(counts[s]));
  io.setOutput('report-file', reportFile);
  io.setOutput('sarif-file', sarifFile);
}
