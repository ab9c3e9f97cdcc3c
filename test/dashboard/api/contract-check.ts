// The check that an answer is its contract's (src/report/read-api.ts and the dashboard's own
// answer schemas): it parses with its schema, and nothing in it is outside the schema. zod drops
// unknown keys when it parses, so a field the server adds but the contract lacks would pass a plain
// parse; the contract is what the OpenAPI document and the action's client read.
import { expect } from 'vitest';
import type { z } from 'zod';

/** Every key path of a JSON value ("a.b[].c"), to compare what was sent with what the schema keeps. */
export function keyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => keyPaths(v, `${prefix}[]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [`${prefix}.${k}`, ...keyPaths(v, `${prefix}.${k}`)]);
  }
  return [];
}

/** Fails on a body its schema refuses, or with the key paths the schema does not know. */
export function expectContract(schema: z.ZodType, body: unknown): void {
  const parsed = schema.safeParse(body);
  expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  // zod drops unknown keys: anything lost here is a field the contract does not describe
  const sent = new Set(keyPaths(body));
  const kept = new Set(keyPaths(parsed.data));
  expect([...sent].filter((k) => !kept.has(k))).toEqual([]);
}
