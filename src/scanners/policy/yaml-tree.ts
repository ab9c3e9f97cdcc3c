// YAML read for policy checks: every document of a file (multi-document manifests), with line numbers
// from the `yaml` package's LineCounter, duplicate keys tolerated (the last one wins, as Kubernetes
// and GitHub read them, and a note says so), and aliases resolved one step at a time with a budget,
// so an alias bomb cannot make a check walk forever.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node, type YAMLMap, type YAMLSeq } from 'yaml';

/** Aliases followed per file before the rest of the file is treated as unreadable. */
export const MAX_ALIAS_STEPS = 10_000;

export interface YamlFile {
  docs: Document.Parsed[];
  lines: LineCounter;
  /** Problems worth a note: syntax errors, duplicate keys. */
  problems: string[];
  /** True when a document has a syntax error (its content cannot be trusted). */
  broken: boolean;
  aliasSteps: { left: number };
}

export function readYaml(text: string): YamlFile {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  const problems: string[] = [];
  let broken = !Array.isArray(docs);
  for (const doc of list) {
    for (const error of doc.errors) {
      broken = true;
      problems.push(`${error.code} at line ${lines.linePos(error.pos[0]).line}: ${error.message.split('\n')[0]}`);
    }
  }
  const file: YamlFile = { docs: list, lines, problems, broken, aliasSteps: { left: MAX_ALIAS_STEPS } };
  for (const doc of list) if (!broken) findDuplicateKeys(file, doc.contents);
  return file;
}

/** Follows an alias to its anchor (within the budget); other nodes come back as they are. */
export function deref(file: YamlFile, doc: Document.Parsed, node: unknown): Node | undefined {
  let current = node;
  while (isAlias(current)) {
    if (file.aliasSteps.left-- <= 0) throw new AliasBudgetError();
    current = current.resolve(doc);
  }
  return (current ?? undefined) as Node | undefined;
}

export class AliasBudgetError extends Error {
  constructor() {
    super(`more than ${MAX_ALIAS_STEPS} alias expansions`);
  }
}

/** 1-based line of a node (its first character). */
export function lineOf(file: YamlFile, node: unknown): number {
  const range = (node as { range?: [number, number, number] } | undefined)?.range;
  return range ? file.lines.linePos(range[0]).line : 1;
}

/** The value node under a key of a map (aliases followed). */
export function getNode(file: YamlFile, doc: Document.Parsed, map: unknown, key: string): Node | undefined {
  const m = deref(file, doc, map);
  if (!isMap(m)) return undefined;
  let found: unknown;
  for (const pair of m.items) {
    const k = deref(file, doc, pair.key);
    if (isScalar(k) && String(k.value) === key) found = pair.value; // last one wins, like the readers
    // `<<: *base` merge keys: look inside the merged map when the key is not set here.
    if (isScalar(k) && k.value === '<<' && found === undefined) {
      const merged = getNode(file, doc, pair.value, key);
      if (merged !== undefined) found = merged;
    }
  }
  return found === undefined ? undefined : deref(file, doc, found) ?? undefined;
}

/** The key node of a key in a map (for the line of `permissions:`), aliases followed. */
export function getKeyNode(file: YamlFile, doc: Document.Parsed, map: unknown, key: string): Node | undefined {
  const m = deref(file, doc, map);
  if (!isMap(m)) return undefined;
  let found: Node | undefined;
  for (const pair of m.items) {
    const k = deref(file, doc, pair.key);
    if (isScalar(k) && String(k.value) === key) found = k;
  }
  return found;
}

export function has(file: YamlFile, doc: Document.Parsed, map: unknown, key: string): boolean {
  return getKeyNode(file, doc, map, key) !== undefined;
}

/** A scalar as a string ('' for null), undefined for maps and lists. */
export function str(file: YamlFile, doc: Document.Parsed, node: unknown): string | undefined {
  const n = deref(file, doc, node);
  if (!isScalar(n)) return undefined;
  return n.value === null || n.value === undefined ? '' : String(n.value);
}

export function getStr(file: YamlFile, doc: Document.Parsed, map: unknown, key: string): string | undefined {
  return str(file, doc, getNode(file, doc, map, key));
}

export function getBool(file: YamlFile, doc: Document.Parsed, map: unknown, key: string): boolean | undefined {
  const n = getNode(file, doc, map, key);
  if (!isScalar(n)) return undefined;
  if (typeof n.value === 'boolean') return n.value;
  if (typeof n.value === 'string') {
    if (/^(true|yes|on)$/i.test(n.value)) return true;
    if (/^(false|no|off)$/i.test(n.value)) return false;
  }
  return undefined;
}

/** Items of a sequence (aliases followed); [] for anything else. */
export function items(file: YamlFile, doc: Document.Parsed, node: unknown): Node[] {
  const n = deref(file, doc, node);
  if (!isSeq(n)) return [];
  return (n as YAMLSeq).items.map((i) => deref(file, doc, i)).filter((i): i is Node => i !== undefined);
}

/** [key, value] pairs of a map (aliases followed, merge keys expanded once). */
export function entries(file: YamlFile, doc: Document.Parsed, node: unknown): [string, Node | undefined, Node][] {
  const n = deref(file, doc, node);
  if (!isMap(n)) return [];
  const out: [string, Node | undefined, Node][] = [];
  for (const pair of (n as YAMLMap).items) {
    if (!isPair(pair)) continue;
    const k = deref(file, doc, pair.key);
    if (!isScalar(k)) continue;
    if (k.value === '<<') {
      for (const merged of isSeq(deref(file, doc, pair.value)) ? items(file, doc, pair.value) : [deref(file, doc, pair.value)]) {
        out.push(...entries(file, doc, merged));
      }
      continue;
    }
    out.push([String(k.value), deref(file, doc, pair.value), k as Node]);
  }
  return out;
}

export { isMap, isScalar, isSeq };

function findDuplicateKeys(file: YamlFile, node: unknown, depth = 0): void {
  if (depth > 64 || !node) return;
  if (isMap(node)) {
    const seen = new Set<string>();
    for (const pair of node.items) {
      if (isScalar(pair.key)) {
        const key = String(pair.key.value);
        if (seen.has(key) && key !== '<<') file.problems.push(`duplicate key "${key}" at line ${lineOf(file, pair.key)} (the last one is used)`);
        seen.add(key);
      }
      findDuplicateKeys(file, pair.value, depth + 1);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) findDuplicateKeys(file, item, depth + 1);
  }
}
