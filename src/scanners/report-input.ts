// Shared steps of reading a tool's report: JSON decoding with errors that name the tool, zod shape
// checks, repository-relative paths, CWE ids, version lists and matched-code hashing. Only helpers
// that several parsers use live here; each tool's own format stays in its own file.
import path from 'node:path';
import type { z } from 'zod';
import { ScannerOutputError, UnsupportedFormatError } from '../errors.js';
import { sha256Hex } from '../findings/redact.js';
import type { ParseContext } from './adapter.js';

/** Decodes a whole JSON document; garbage becomes a ScannerOutputError naming the tool. */
export function parseJsonOutput(tool: string, text: string): unknown {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') throw new ScannerOutputError(tool, 'empty output (expected a JSON report)');
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    // Neither the text nor JSON.parse's message (which quotes the input) goes into the error: the
    // output may hold a secret. Its shape is enough to act on.
    throw new ScannerOutputError(tool, `not JSON: ${describeTextShape(trimmed)}`);
  }
}

/** "1,234 bytes starting with '<' (HTML?)": what garbage looks like, without quoting any of it. */
export function describeTextShape(text: string): string {
  const first = text[0] ?? '';
  const hint =
    first === '<' ? ' (HTML or XML?)' : /[A-Za-z]/.test(first) ? ' (plain text: a usage or error message?)' : first === '{' || first === '[' ? ' (truncated or malformed JSON?)' : '';
  const firstChar = /[\x21-\x7e]/.test(first) ? `'${first}'` : `U+${first.codePointAt(0)?.toString(16).padStart(4, '0') ?? '0000'}`;
  return `${Buffer.byteLength(text)} bytes starting with ${firstChar}${hint}`;
}

/** Validates a decoded report against the parser's zod schema, naming the first field at fault. */
export function checkShape<S extends z.ZodType>(tool: string, schema: S, data: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const at = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  throw new ScannerOutputError(tool, `${what} does not match the expected shape${at}: ${issue?.message ?? 'invalid'}`);
}

/** A top-level value that is JSON but no report shape the tool has ever written. */
export function unknownShape(tool: string, data: unknown, expected: string): UnsupportedFormatError {
  const kind = Array.isArray(data) ? 'an array' : data === null ? 'null' : typeof data === 'object' ? 'an object' : `a ${typeof data}`;
  const keys =
    data && typeof data === 'object' && !Array.isArray(data) ? ` with keys [${Object.keys(data).slice(0, 8).join(', ')}]` : '';
  return new UnsupportedFormatError(tool, `got ${kind}${keys}; expected ${expected}`);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A path as the tool reported it -> repository-relative with forward slashes. Tools run in the
 * service folder, so a relative path is relative to `serviceDir`; an absolute path under `repoRoot`
 * is made relative to it. `file://` URIs are accepted.
 */
export function toRepoPath(reported: string, ctx: ParseContext): string {
  let p = reported.startsWith('file://') ? decodeURIComponent(reported.slice('file://'.length)) : reported;
  p = p.replace(/\\/g, '/');
  if (path.posix.isAbsolute(p)) {
    const root = ctx.repoRoot?.replace(/\\/g, '/').replace(/\/+$/, '');
    if (root && (p === root || p.startsWith(`${root}/`))) return p.slice(root.length + 1) || '.';
    return p;
  }
  p = p.replace(/^(\.\/)+/, '');
  const serviceDir = (ctx.serviceDir ?? '').replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  if (serviceDir === '' || serviceDir === '.') return p;
  return path.posix.normalize(`${serviceDir}/${p}`);
}

/** "CWE-79: Improper Neutralization ..." / "79" / 79 / "CWE-079" -> "CWE-79"; other text -> undefined. */
export function normalizeCwe(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return `CWE-${value}`;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(?:CWE[-_ ]?)?0*(\d+)\b/i.exec(value);
  return match ? `CWE-${match[1]}` : undefined;
}

/** CWE ids from a string, a list, numbers or nothing; normalized, unique, in order. */
export function normalizeCweList(value: unknown): string[] {
  const items = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  const out: string[] = [];
  for (const item of items) {
    const cwe = normalizeCwe(item);
    if (cwe && !out.includes(cwe)) out.push(cwe);
  }
  return out;
}

/** "6.0.1, 5.0.1" / ">=4.17.21" / "" / undefined -> a list of versions (empty when none). */
export function splitVersions(value: string | undefined | null): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** Unique non-empty strings, in order. */
export function uniqueStrings(values: Iterable<string | undefined | null>): string[] {
  const out = new Set<string>();
  for (const v of values) if (typeof v === 'string' && v.trim() !== '') out.add(v.trim());
  return [...out];
}

/** sha256 of code with all whitespace runs collapsed, so re-indenting or moving it keeps the hash. */
export function hashMatchedCode(code: string): string {
  return sha256Hex(code.replace(/\s+/g, ' ').trim());
}

/**
 * "upgrade ansi-regex to 3.0.1": trivy lists one fixed version per release line ("6.0.1, 5.0.1, 4.1.1,
 * 3.0.1"); the one on the installed major line is the smallest step, the others are named after it.
 */
export function upgradeHint(name: string, installed: string, fixedVersions: string[]): string {
  const major = /^v?(\d+)\./.exec(installed)?.[1];
  const sameLine = major === undefined ? undefined : fixedVersions.find((f) => /^v?(\d+)\./.exec(f)?.[1] === major);
  const first = sameLine ?? fixedVersions[0];
  const others = fixedVersions.filter((f) => f !== first);
  return others.length > 0 ? `upgrade ${name} to ${first} (or ${others.join(', ')})` : `upgrade ${name} to ${first}`;
}
