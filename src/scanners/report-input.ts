// Shared steps of reading a tool's report: JSON decoding with errors that name the tool, zod shape
// checks, repository-relative paths, CWE ids, version lists and matched-code hashing. Only helpers
// that several parsers use live here; each tool's own format stays in its own file.
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { ScannerOutputError, UnsupportedFormatError } from '../errors.js';
import { sha256Hex } from '../findings/redact.js';
import type { ParseContext } from './adapter.js';

/** A report file larger than the cap on captured output: never read in part, never parsed cut. */
export class ReportTooLargeError extends Error {
  override name = 'ReportTooLargeError';
  constructor(
    readonly file: string,
    readonly maxBytes: number,
  ) {
    super(`is larger than ${formatMiB(maxBytes)} MiB`);
  }
}

function formatMiB(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return Number.isInteger(mib) ? String(mib) : mib.toFixed(1);
}

/** Read in pieces of this size, so a FIFO or /dev/zero is never read past the cap. */
const READ_CHUNK = 1024 * 1024;

/**
 * Reads a report file (an imported report, a tool's output file) as UTF-8 text in one flat string,
 * at most `maxBytes` (the same cap as a scanner's captured output, `max-output-mb`): a larger
 * regular file is refused from its size without being read; a FIFO, a device (/dev/zero) or a file
 * growing under us is read piece by piece and refused as soon as it passes the cap (ReportTooLargeError).
 *
 * One flat string: `readFile(path, 'utf8')` decodes chunk by chunk and joins the pieces into a rope;
 * the first search in it (the parser's JSON.parse) copies the rope into a flat string while the
 * pieces are still alive (for a 240 MB trivy report, 0.3 s and twice the memory at its peak).
 * Decoding the whole buffer at once gives the flat string directly. Errors are open's/read's own
 * (ENOENT, EACCES, EISDIR, ...).
 */
export async function readReportFile(file: string, maxBytes: number = Number.MAX_SAFE_INTEGER): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const stat = await handle.stat();
    if (stat.isFile() && stat.size > maxBytes) throw new ReportTooLargeError(file, maxBytes);
    if (stat.isFile()) {
      // Sized read; a file that grew since the stat is caught below by reading one byte past the end.
      const buffer = Buffer.allocUnsafe(stat.size + 1);
      let filled = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
        if (bytesRead === 0) break;
        filled += bytesRead;
        if (filled === buffer.length) return await readRest(handle, buffer.subarray(0, filled), file, maxBytes);
      }
      return buffer.toString('utf8', 0, filled);
    }
    return await readRest(handle, Buffer.alloc(0), file, maxBytes);
  } finally {
    await handle.close();
  }
}

/** Reads the rest of a stream-like file in pieces, refusing it once it passes `maxBytes`. */
async function readRest(handle: FileHandle, head: Buffer, file: string, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = head.length > 0 ? [head] : [];
  let total = head.length;
  if (total > maxBytes) throw new ReportTooLargeError(file, maxBytes);
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(READ_CHUNK, maxBytes - total + 1));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
    if (bytesRead === 0) break;
    total += bytesRead;
    if (total > maxBytes) throw new ReportTooLargeError(file, maxBytes);
    chunks.push(bytesRead === chunk.length ? chunk : chunk.subarray(0, bytesRead));
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

/** A tool's output as JSON.parse reads it: without a byte order mark and surrounding whitespace. */
export function jsonDocumentText(text: string): string {
  return text.replace(/^\uFEFF/, '').trim();
}

/** Decodes a whole JSON document; garbage becomes a ScannerOutputError naming the tool. */
export function parseJsonOutput(tool: string, text: string): unknown {
  const trimmed = jsonDocumentText(text);
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

/** Unique non-empty strings (trimmed), in order. */
export function uniqueStrings(values: Iterable<string | undefined | null>): string[] {
  const out: string[] = [];
  // The usual list (a vulnerability's dozen references) is searched linearly, cheaper than building
  // a Set for each of 100,000 findings; a long list gets a Set.
  let seen: Set<string> | undefined;
  for (const v of values) {
    if (typeof v !== 'string') continue;
    const s = v.trim();
    if (s === '' || (seen ? seen.has(s) : out.includes(s))) continue;
    out.push(s);
    if (seen) seen.add(s);
    else if (out.length > 32) seen = new Set(out);
  }
  return out;
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

// ---------------------------------------------------------------------------------------------------
// Reading a large JSON report piece by piece.
//
// JSON.parse of a whole 100,000-finding report (240 MB) builds a tree of about 300 MB. All of it
// survives V8's young-generation collections (so each object is copied twice) and all of it stays
// alive until the last finding is built. A parser can instead find where the pieces are (each
// element of trivy's `Results`, each vulnerability in it) with the scanner below, and JSON.parse each
// piece on its own: a piece's tree then dies young, once its findings are built.
//
// The scanner only finds boundaries; it neither decodes nor fully validates. The caller JSON.parses
// every part of the text (the pieces, and what is left around them), so invalid JSON still fails,
// and on any failure the caller decodes the whole document the ordinary way, which gives the usual
// error. The scanner checks the separators between members and elements itself (they belong to no
// piece), and refuses (JsonLayoutError) escaped or repeated keys, which it cannot compare as
// JSON.parse would.

/** The text is not laid out as the scanner expects: decode the whole document instead. */
export class JsonLayoutError extends Error {}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** A part of a text: [start, end). */
export interface TextSpan {
  start: number;
  end: number;
}

function isJsonWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

function skipWhitespace(text: string, pos: number): number {
  while (isJsonWhitespace(text.charCodeAt(pos))) pos++;
  return pos;
}

function expectChar(text: string, pos: number, code: number): void {
  if (text.charCodeAt(pos) !== code) {
    throw new JsonLayoutError(`expected ${String.fromCharCode(code)} at ${pos}`);
  }
}

/** Index after the string whose opening quote is at `pos`. */
function skipString(text: string, pos: number): number {
  let quote = pos;
  for (;;) {
    quote = text.indexOf('"', quote + 1);
    if (quote < 0) throw new JsonLayoutError('unterminated string');
    // A quote after an odd number of backslashes is part of the string.
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
  }
}

/** Index after the JSON value that starts at `pos` (a string, an object, an array or a literal). */
export function skipJsonValue(text: string, pos: number): number {
  const first = text.charCodeAt(pos);
  if (first === QUOTE) return skipString(text, pos);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    // Bracket types are not matched here: JSON.parse of the piece does that.
    let depth = 0;
    for (let at = pos; at < text.length; ) {
      const code = text.charCodeAt(at);
      if (code === QUOTE) {
        at = skipString(text, at);
        continue;
      }
      if (code === OPEN_BRACE || code === OPEN_BRACKET) depth++;
      else if ((code === CLOSE_BRACE || code === CLOSE_BRACKET) && --depth === 0) return at + 1;
      at++;
    }
    throw new JsonLayoutError('unterminated object or array');
  }
  // A number, true, false or null: up to the next separator.
  let at = pos;
  for (; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code === COMMA || code === CLOSE_BRACE || code === CLOSE_BRACKET || isJsonWhitespace(code)) break;
  }
  if (at === pos) throw new JsonLayoutError(`no value at ${pos}`);
  return at;
}

/**
 * Calls `member(key, valueStart)` for each member of the object whose `{` is at `pos`; `member`
 * returns the index after the value (skipJsonValue, or its own scan). Returns the index after `}`.
 */
export function forEachJsonMember(text: string, pos: number, member: (key: string, valueStart: number) => number): number {
  expectChar(text, pos, OPEN_BRACE);
  const seen = new Set<string>();
  let at = skipWhitespace(text, pos + 1);
  if (text.charCodeAt(at) === CLOSE_BRACE) return at + 1;
  for (;;) {
    expectChar(text, at, QUOTE);
    const keyEnd = skipString(text, at);
    const key = text.slice(at + 1, keyEnd - 1);
    if (key.includes('\\') || seen.has(key)) throw new JsonLayoutError(`escaped or repeated key ${JSON.stringify(key)}`);
    seen.add(key);
    at = skipWhitespace(text, keyEnd);
    expectChar(text, at, COLON);
    at = skipWhitespace(text, member(key, skipWhitespace(text, at + 1)));
    if (text.charCodeAt(at) === CLOSE_BRACE) return at + 1;
    expectChar(text, at, COMMA);
    at = skipWhitespace(text, at + 1);
  }
}

/** Calls `element(start)` for each element of the array whose `[` is at `pos`; like forEachJsonMember. */
export function forEachJsonElement(text: string, pos: number, element: (start: number) => number): number {
  expectChar(text, pos, OPEN_BRACKET);
  let at = skipWhitespace(text, pos + 1);
  if (text.charCodeAt(at) === CLOSE_BRACKET) return at + 1;
  for (;;) {
    at = skipWhitespace(text, element(at));
    if (text.charCodeAt(at) === CLOSE_BRACKET) return at + 1;
    expectChar(text, at, COMMA);
    at = skipWhitespace(text, at + 1);
  }
}

/** The text of `outer` with the array at `array` (inside it) replaced by `[]`. */
export function withEmptyArray(text: string, outer: TextSpan, array: TextSpan): string {
  return `${text.slice(outer.start, array.start)}[]${text.slice(array.end, outer.end)}`;
}
