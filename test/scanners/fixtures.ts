// Reads the recorded scanner output in ../shared/fixtures/scanners (beside the repository, as CI
// clones it), and counts findings per severity for the per-fixture assertions.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ParsedFinding, Severity } from '../../src/findings/finding.js';

const FIXTURES = new URL('../../../shared/fixtures/scanners/', import.meta.url);

export function fixturePath(relative: string): string {
  return fileURLToPath(new URL(relative, FIXTURES));
}

export function readFixture(relative: string): string {
  return readFileSync(fixturePath(relative), 'utf8');
}

/** Counts per severity, only the severities present (so `toEqual` states the whole distribution). */
export function severityCounts(findings: readonly ParsedFinding[]): Partial<Record<Severity, number>> {
  const counts: Partial<Record<Severity, number>> = {};
  for (const f of findings) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
  return counts;
}

export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

/** The garbage every parser must refuse with a typed error naming the tool. */
export const GARBAGE_OUTPUTS: Record<string, string> = {
  'not json': 'not json',
  'an empty object': '{}',
  'truncated JSON': '{"results": [{"a": 1',
  'an array of numbers': '[1, 2, 3]',
};
