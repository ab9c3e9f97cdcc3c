// Loads `.gatehouse.yml`: read with `yaml` (keeping node ranges), merge the overrides (CLI flags,
// action inputs), parse once with ConfigSchema. Every mistake becomes a ConfigError that names the
// file, the line and column, and the field path, so a user can go straight to it.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { parseYamlFile, type ParsedYaml } from './yaml.js';
import { ConfigSchema, type GatehouseConfig, type RawGatehouseConfig } from './schema.js';

/** File names looked for in the repository root when no `--config` is given, in this order. */
export const CONFIG_FILE_NAMES = ['.gatehouse.yml', '.gatehouse.yaml'] as const;

/** A deep-partial raw config; object values merge into the file's, arrays and scalars replace. */
export type ConfigOverrides = { [K in keyof RawGatehouseConfig]?: unknown };

export interface LoadConfigOptions {
  /** Named in errors about an override ("--fail-on", "action input fail-on"); default "overrides". */
  overridesSource?: string;
}

export interface LoadedConfig {
  config: GatehouseConfig;
  /** The file read, as given; undefined when no file exists and the defaults apply. */
  file?: string;
}

/** The config file in `repoRoot`, if there is one. */
export function findConfigFile(repoRoot: string): string | undefined {
  for (const name of CONFIG_FILE_NAMES) {
    const candidate = join(repoRoot, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Reads and validates the config. `file` undefined means "no file": the schema defaults apply.
 * A file that was named but does not exist is an error (the user asked for it).
 */
export async function loadConfig(
  file: string | undefined,
  overrides: ConfigOverrides = {},
  options: LoadConfigOptions = {},
): Promise<LoadedConfig> {
  if (file === undefined) {
    return { config: parseConfig({}, overrides, options) };
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === 'ENOENT' ? `${file}: config file not found` : `${file}: cannot read config file (${code ?? String(err)})`,
      { file },
    );
  }
  return { config: parseConfigText(text, file, overrides, options), file };
}

/** Parses config text (the file's content); `file` is the name used in errors. */
export function parseConfigText(
  text: string,
  file: string,
  overrides: ConfigOverrides = {},
  options: LoadConfigOptions = {},
): GatehouseConfig {
  // `yaml.doc` is made on demand (only an error needs its node ranges): do not destructure it.
  const yaml = parseYamlFile(text, file);
  const raw: unknown = yaml.data === null ? {} : yaml.data;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`${file}:1:1 (top level): expected a mapping of settings, got ${describe(raw)}`, {
      file,
      line: 1,
      column: 1,
    });
  }
  return validate(raw as Record<string, unknown>, overrides, { ...options, file, yaml });
}

function parseConfig(raw: Record<string, unknown>, overrides: ConfigOverrides, options: LoadConfigOptions) {
  return validate(raw, overrides, options);
}

interface SourceInfo extends LoadConfigOptions {
  file?: string;
  /** The file as read; its `doc` and `lineCounter` place an error (made on demand for large files). */
  yaml?: ParsedYaml;
}

function validate(raw: Record<string, unknown>, overrides: ConfigOverrides, source: SourceInfo): GatehouseConfig {
  const merged = mergeConfig(raw, overrides as Record<string, unknown>);
  const result = ConfigSchema.safeParse(merged);
  if (result.success) return result.data;

  const located = result.error.issues.map((issue) => locateIssue(issue, overrides, source));
  const first = located[0];
  const message = located.map((l) => l.text).join('\n');
  throw new ConfigError(message, { file: first.file, line: first.line, column: first.column, field: first.field });
}

interface LocatedIssue {
  text: string;
  file?: string;
  line?: number;
  column?: number;
  field: string;
}

function locateIssue(issue: z.core.$ZodIssue, overrides: ConfigOverrides, source: SourceInfo): LocatedIssue {
  let path: PropertyKey[] = issue.path;
  let message = issue.message;
  // Point at the unknown key itself rather than at the mapping that holds it.
  if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) {
    path = [...issue.path, issue.keys[0]];
    const suggestion = suggestKey(issue.path, issue.keys[0]!);
    const hint = suggestion ? `; did you mean "${suggestion}"?` : '';
    message =
      issue.keys.length === 1
        ? `unknown field${hint} (allowed: ${allowedKeys(issue.path) ?? 'see docs/config.md'})`
        : `unknown fields ${issue.keys.map((k) => `"${k}"`).join(', ')}${hint}`;
  }
  const field = formatFieldPath(path);
  if (hasPath(overrides, path)) {
    const where = source.overridesSource ?? 'overrides';
    return { text: `${where}: ${field}: ${message}`, field };
  }
  if (source.file && source.yaml) {
    const offset = findOffset(source.yaml.doc, path, issue.code === 'unrecognized_keys');
    if (offset !== undefined) {
      const { line, col } = source.yaml.lineCounter.linePos(offset);
      return { text: `${source.file}:${line}:${col} ${field}: ${message}`, file: source.file, line, column: col, field };
    }
    return { text: `${source.file} ${field}: ${message}`, file: source.file, field };
  }
  return { text: `${field}: ${message}`, field };
}

/**
 * "Did you mean": the field path a typo most likely meant. A close key beside it first
 * (`gate.failon` -> `gate.fail-on`), else the same or a close key elsewhere in the schema
 * (`fail-on` at the top level -> `gate.fail-on`). Undefined when nothing is close.
 */
export function suggestKey(path: PropertyKey[], key: string): string | undefined {
  const normal = (k: string) => k.toLowerCase().replace(/[-_ ]/g, '');
  const close = (candidate: string) => {
    const limit = Math.max(1, Math.floor(Math.min(key.length, candidate.length) / 3));
    return normal(candidate) === normal(key) || editDistance(candidate.toLowerCase(), key.toLowerCase()) <= limit;
  };
  const siblings = keysAt(path) ?? [];
  const sibling = siblings
    .filter(close)
    .sort((a, b) => editDistance(a, key) - editDistance(b, key))[0];
  if (sibling) return formatFieldPath([...path, sibling]);
  // Elsewhere in the schema: every object's keys, breadth first, so the shallowest match wins.
  const queue: { path: PropertyKey[]; schema: unknown }[] = [{ path: [], schema: ConfigSchema }];
  const seen = new Set<unknown>();
  while (queue.length > 0) {
    const { path: at, schema } = queue.shift()!;
    const s = unwrap(schema);
    if (seen.has(s) || at.length > 4) continue;
    seen.add(s);
    const element = (s as { element?: unknown }).element;
    if (element) {
      queue.push({ path: [...at, 0], schema: element });
      continue;
    }
    const shape = (s as { shape?: Record<string, unknown> }).shape;
    if (!shape) continue;
    const samePlace = at.length === path.length && at.every((p, i) => p === path[i] || (typeof p === 'number' && typeof path[i] === 'number'));
    if (!samePlace) {
      const match = Object.keys(shape).find(close);
      if (match) return formatFieldPath([...at, match]).replace(/\[0\]/g, '[]');
    }
    for (const [k, v] of Object.entries(shape)) queue.push({ path: [...at, k], schema: v });
  }
  return undefined;
}

/** Edit distance with transpositions ("naem" is one step from "name"); small strings: config keys. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The keys of the object schema at `path`, or undefined when it is not an object. */
function keysAt(path: PropertyKey[]): string[] | undefined {
  const list = allowedKeys(path);
  return list === undefined ? undefined : list.split(', ');
}

/** The keys the schema allows in the object at `path` (for "unknown field" hints). */
function allowedKeys(path: PropertyKey[]): string | undefined {
  let schema: unknown = ConfigSchema;
  for (const segment of path) {
    schema = unwrap(schema);
    const shape = (schema as { shape?: Record<string, unknown> }).shape;
    const element = (schema as { element?: unknown }).element;
    if (typeof segment === 'number' && element) schema = element;
    else if (shape && typeof segment === 'string' && segment in shape) schema = shape[segment];
    else return undefined;
  }
  const shape = (unwrap(schema) as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape).join(', ') : undefined;
}

/**
 * Adds `file:line:column` to a ConfigError found after loading (an unknown scanner id, a service
 * folder that does not exist), when the field it names is in the file. Other errors pass unchanged.
 */
export async function locateConfigError(err: ConfigError, file: string | undefined): Promise<ConfigError> {
  const field = err.details.field;
  if (!file || !field || err.details.line !== undefined) return err;
  const path = parseFieldPath(field);
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (path === undefined || text === undefined) return err;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0 || !doc.hasIn(path)) return err;
  const offset = findOffset(doc, path, false);
  if (offset === undefined) return err;
  const { line, col } = lineCounter.linePos(offset);
  return new ConfigError(`${file}:${line}:${col} ${err.message}`, { file, line, column: col, field });
}

/** `scanners.sast[0]` -> ['scanners', 'sast', 0]; undefined when it is not a plain field path. */
export function parseFieldPath(field: string): (string | number)[] | undefined {
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+|\[\d+\])*$/.test(field)) return undefined;
  const out: (string | number)[] = [];
  for (const m of field.matchAll(/([A-Za-z0-9_-]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return out;
}

/** Looks through optional/default/prefault/pipe wrappers to the object or array schema. */
function unwrap(schema: unknown): unknown {
  let s = schema as { def?: { innerType?: unknown; in?: unknown; options?: unknown[] } } | undefined;
  for (let i = 0; i < 10 && s?.def; i++) {
    if (s.def.innerType) s = s.def.innerType as typeof s;
    else if (s.def.in) s = s.def.in as typeof s;
    else if (s.def.options) {
      // a union such as a scanner entry (string | object): take the object member
      const obj = s.def.options.find((o) => (o as { shape?: unknown }).shape);
      if (!obj) break;
      s = obj as typeof s;
    } else break;
  }
  return s;
}

/**
 * Offset in the text of the deepest node on `path`: the value when it exists, else the key that
 * holds the missing field (the user must add it there), else the closest parent.
 */
function findOffset(doc: Document, path: PropertyKey[], preferKey: boolean): number | undefined {
  let node: unknown = doc.contents;
  let best: number | undefined = rangeStart(node);
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const isLast = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) return best;
      const keyStart = rangeStart(pair.key);
      const valueStart = rangeStart(pair.value);
      // An unknown key is reported at the key; an empty value (`fail-on:`) has no range of its own.
      const atKey = isLast && (preferKey || pair.value === null || isEmptyScalar(pair.value));
      best = atKey ? keyStart : (valueStart ?? keyStart);
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined) return best;
      best = rangeStart(item) ?? best;
      node = item;
    } else {
      return best;
    }
  }
  return best;
}

function isEmptyScalar(node: unknown): boolean {
  return isScalar(node) && (node.value === null || node.value === '') && node.source === '';
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null)?.range;
  return range ? range[0] : undefined;
}

/** `gate.fail-on`, `services[1].name`, `scanners.sarif[0]`. */
export function formatFieldPath(path: PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out;
}

function hasPath(value: unknown, path: PropertyKey[]): boolean {
  if (path.length === 0) return false;
  let node = value;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return false;
    if (!Object.prototype.hasOwnProperty.call(node, segment)) return false;
    node = (node as Record<PropertyKey, unknown>)[segment];
  }
  return true;
}

/** Deep merge for plain objects; arrays and scalars in `over` replace; undefined leaves `base`. */
export function mergeConfig(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? mergeConfig(current, value) : value;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  return `a ${typeof v}`;
}
