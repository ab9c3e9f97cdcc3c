// Reading a YAML config file (`.gatehouse.yml`, the ignore file) safely: every way YAML can go wrong
// becomes a ConfigError (exit 2) that names the file and the line a user must fix.
// - a syntax error; an unterminated quote is reported where the quote OPENS (the parser notices it
//   only at the end of the file, which says nothing useful);
// - a custom tag (`!foo`): YAML would keep it as a plain value and say nothing; a config that means
//   something else than it says is refused;
// - an alias bomb (anchors expanding to millions of nodes): refused at the first alias, before it
//   can eat memory, and never a crash (exit 3).
// Large files (generated suppression lists: 330,000 entries are 31 MB) are first read by js-yaml,
// ten times faster than `yaml`, when they hold no anchor, alias or tag; anything js-yaml refuses, and
// the node ranges an error message needs, come from `yaml` as for every small file.
import jsYaml from 'js-yaml';
import { isAlias, LineCounter, Parser, parseDocument, visit, type Document } from 'yaml';
import { ConfigError } from '../errors.js';

/** Aliases expanded at most per document (the `yaml` package's own default, stated). */
export const MAX_ALIAS_COUNT = 100;

export interface ParsedYaml {
  doc: Document;
  lineCounter: LineCounter;
  /** The document as plain data (null for an empty document). */
  data: unknown;
}

/** Files at least this big take the fast path when they can (see the header). */
export const FAST_PATH_MIN_BYTES = 256 * 1024;
/** An anchor (`&a`), an alias (`*a`) or a tag (`!t`) where a value starts: these keep the exact path. */
const ANCHOR_ALIAS_OR_TAG = /(?:^|[\s,[{])[&*!][^\s,\]}]/m;

/** Parses `text` (from `file`, named in errors) into data, or throws a ConfigError with file:line:col. */
export function parseYamlFile(text: string, file: string): ParsedYaml {
  const fast = text.length >= FAST_PATH_MIN_BYTES ? readPlainYamlFast(text) : undefined;
  if (fast !== undefined) {
    // The document and its line counter are only needed to place a validation error: made on demand.
    let exact: ParsedYaml | undefined;
    const full = () => (exact ??= parseYamlExactly(text, file));
    return {
      data: fast.data,
      get doc() {
        return full().doc;
      },
      get lineCounter() {
        return full().lineCounter;
      },
    };
  }
  return parseYamlExactly(text, file);
}

/**
 * js-yaml on plain YAML (core schema: no dates, no custom types; duplicate keys refused): the data,
 * or undefined when the text has anchors, aliases or tags, or js-yaml refuses it (the exact path
 * then says why, with the line).
 */
export function readPlainYamlFast(text: string): { data: unknown } | undefined {
  if (ANCHOR_ALIAS_OR_TAG.test(text)) return undefined;
  try {
    const docs: unknown[] = [];
    jsYaml.loadAll(text, (d) => docs.push(d), { schema: jsYaml.CORE_SCHEMA, json: false });
    // Several documents: the exact path decides (the `yaml` package reads the first and says so).
    if (docs.length > 1) return undefined;
    return { data: docs.length === 0 || docs[0] === undefined ? null : docs[0] };
  } catch {
    return undefined;
  }
}

function parseYamlExactly(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const fail = (offset: number | undefined, message: string): never => {
    const pos = offset === undefined ? undefined : lineCounter.linePos(offset);
    throw new ConfigError(`${file}${pos ? `:${pos.line}:${pos.col}` : ''} ${message}`, {
      file,
      ...(pos ? { line: pos.line, column: pos.col } : {}),
    });
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const firstLine = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    if (e.code === 'MISSING_CHAR' && /quote/.test(firstLine)) {
      const open = unterminatedQuoteOffset(text, e.pos[0]);
      if (open !== undefined) {
        const quote = text[open];
        fail(open, `YAML syntax error: the ${quote === '"' ? 'double' : 'single'} quote opened here is never closed (${firstLine})`);
      }
    }
    fail(e.pos[0], `YAML syntax error: ${firstLine}`);
  }
  // A tag the parser does not know (`!foo`, `!!python/object`) is resolved as a plain string with a
  // warning only: the config would silently mean something else than it says.
  const tagWarning = doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (tagWarning) {
    const tag = /Unresolved tag: (\S+)/.exec(tagWarning.message)?.[1] ?? 'a custom tag';
    fail(tagWarning.pos[0], `YAML: unknown tag ${tag}; a Gatehouse config holds plain values (remove the tag)`);
  }
  let data: unknown;
  try {
    data = doc.contents === null ? null : doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (err instanceof ReferenceError || err instanceof RangeError) {
      // "Excessive alias count indicates a resource exhaustion attack" (an alias bomb), or a
      // recursion too deep to expand: point at the first alias.
      fail(firstAliasOffset(doc), `YAML: the aliases (*name) expand to too many values (more than ${MAX_ALIAS_COUNT} alias expansions); write the values out instead`);
    }
    throw err;
  }
  return { doc, lineCounter, data };
}

function firstAliasOffset(doc: Document): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (isAlias(node) && node.range) offset = node.range[0];
      return visit.BREAK;
    },
  });
  return offset;
}

interface QuotedToken {
  type: string;
  offset: number;
  source: string;
}

/**
 * The offset of the quote that opens the scalar the parser found unterminated: the last quoted
 * scalar that starts before `errorOffset` and does not end with its closing quote.
 */
export function unterminatedQuoteOffset(text: string, errorOffset: number): number | undefined {
  const quoted: QuotedToken[] = [];
  const collect = (node: unknown, depth: number) => {
    if (depth > 200 || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const item of node) collect(item, depth + 1);
      return;
    }
    const t = node as Partial<QuotedToken>;
    if ((t.type === 'double-quoted-scalar' || t.type === 'single-quoted-scalar') && typeof t.offset === 'number' && typeof t.source === 'string') {
      quoted.push(t as QuotedToken);
    }
    for (const value of Object.values(node)) if (value !== null && typeof value === 'object') collect(value, depth + 1);
  };
  for (const token of new Parser().parse(text)) collect(token, 0);
  const candidates = quoted.filter((t) => t.offset <= errorOffset).sort((a, b) => a.offset - b.offset);
  const open = candidates.filter((t) => !isTerminated(t)).pop();
  return open?.offset;
}

function isTerminated(t: QuotedToken): boolean {
  const quote = t.type === 'double-quoted-scalar' ? '"' : "'";
  const s = t.source;
  if (s.length < 2 || !s.endsWith(quote)) return false;
  if (quote === '"') {
    // `"abc\"` ends with an escaped quote: count the backslashes before it.
    let backslashes = 0;
    for (let i = s.length - 2; i > 0 && s[i] === '\\'; i--) backslashes++;
    return backslashes % 2 === 0;
  }
  // Single quotes escape themselves (''): the quotes after the opening one must pair up, plus one.
  let quotes = 0;
  for (let i = s.length - 1; i > 0 && s[i] === "'"; i--) quotes++;
  return quotes % 2 === 1;
}
