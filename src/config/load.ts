// Loads `.gatehouse.yml`: read with `yaml` (keeping node ranges), merge the overrides (CLI flags,
// action inputs), parse once with ConfigSchema. Every mistake becomes a ConfigError that names the
// file, the line and column, and the field path, so a user can go straight to it.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
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
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = e.linePos?.[0];
    const firstLine = e.message.split('\n')[0];
    throw new ConfigError(`${file}${pos ? `:${pos.line}:${pos.col}` : ''} YAML syntax error: ${firstLine}`, {
      file,
      line: pos?.line,
      column: pos?.col,
    });
  }
  const raw: unknown = doc.contents === null ? {} : doc.toJS({ maxAliasCount: 100 });
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`${file}:1:1 (top level): expected a mapping of settings, got ${describe(raw)}`, {
      file,
      line: 1,
      column: 1,
    });
  }
  return validate(raw as Record<string, unknown>, overrides, { ...options, file, doc, lineCounter });
}

function parseConfig(raw: Record<string, unknown>, overrides: ConfigOverrides, options: LoadConfigOptions) {
  return validate(raw, overrides, options);
}

interface SourceInfo extends LoadConfigOptions {
  file?: string;
  doc?: Document;
  lineCounter?: LineCounter;
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
    message =
      issue.keys.length === 1
        ? `unknown field (allowed: ${allowedKeys(issue.path) ?? 'see docs/config.md'})`
        : `unknown fields ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  const field = formatFieldPath(path);
  if (hasPath(overrides, path)) {
    const where = source.overridesSource ?? 'overrides';
    return { text: `${where}: ${field}: ${message}`, field };
  }
  if (source.file && source.doc && source.lineCounter) {
    const offset = findOffset(source.doc, path, issue.code === 'unrecognized_keys');
    if (offset !== undefined) {
      const { line, col } = source.lineCounter.linePos(offset);
      return { text: `${source.file}:${line}:${col} ${field}: ${message}`, file: source.file, line, column: col, field };
    }
    return { text: `${source.file} ${field}: ${message}`, file: source.file, field };
  }
  return { text: `${field}: ${message}`, field };
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
