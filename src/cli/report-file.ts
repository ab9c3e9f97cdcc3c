// A JSON report file given on the command line (`--baseline`, `gatehouse push`), validated: a wrong
// file is named with the field at fault, as a usage error.
import { readFile } from 'node:fs/promises';
import { ScanReportSchema, type ScanReport } from '../report/scan-report.js';
import { UsageError } from './usage-error.js';

/** `label` starts each message: the flag or command that named the file. */
export async function readReportFile(file: string, label: string): Promise<ScanReport> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`${label}: cannot read ${file} (${err.code ?? String(err)})`);
  });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${label}: ${file} is not JSON (${(err as Error).message.split('\n')[0]})`);
  }
  const parsed = ScanReportSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.map(String).join('.') || '(top level)';
    throw new UsageError(`${label}: ${file} is not a Gatehouse JSON report (at ${field}: ${issue.message})`);
  }
  return parsed.data;
}
