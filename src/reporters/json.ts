// The JSON report: the versioned ScanReport, byte for byte the body the dashboard ingests.
// Validated before it is written, so a bug upstream is an error here rather than a 400 at the
// dashboard later; every string is scrubbed of token-shaped secrets as a last line of defence.
import { scrubSecrets } from '../findings/redact.js';
import { ScanReportSchema, type ScanReport } from '../report/scan-report.js';

/** A report that does not match ScanReportSchema (a bug in the engine, never user input). */
export class InvalidReportError extends Error {
  override name = 'InvalidReportError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`the scan report is invalid at "${field}": ${message}`);
  }
}

/** Every string in a JSON-like value, scrubbed (keys are ours and left alone). */
export function scrubDeep<T>(value: T): T {
  if (typeof value === 'string') return scrubSecrets(value) as T;
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v)])) as T;
  }
  return value;
}

/** Validates and scrubs a report (the object the JSON file and the dashboard push are made of). */
export function finalizeReport(report: ScanReport): ScanReport {
  const result = ScanReportSchema.safeParse(scrubDeep(report));
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new InvalidReportError(issue.path.map(String).join('.') || '(root)', issue.message);
  }
  return result.data;
}

export function renderJson(report: ScanReport): string {
  return `${JSON.stringify(finalizeReport(report), null, 2)}\n`;
}
