// Severity counts: the one shape every figure of the store is made of.
import type { SeverityCounts } from './shapes.js';

export function emptyCounts(): SeverityCounts {
  return { critical: 0, high: 0, medium: 0, low: 0, info: 0, unknown: 0 };
}

export function sumCounts(c: SeverityCounts): number {
  return c.critical + c.high + c.medium + c.low + c.info + c.unknown;
}

export function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
