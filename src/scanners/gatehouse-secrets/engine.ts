// The scanning engine: one keyword pass over a file, then each triggered rule's regular expression
// on the line (or window) around the keyword, then value checks and de-duplication.
// It returns the secret values to its caller (the CLI), which hashes and masks them before
// anything is printed: nothing here writes anywhere.
import type { Severity } from '../../findings/finding.js';
import { KeywordMatcher } from './keyword-matcher.js';
import { FAMILY_PRIORITY, SECRET_RULES, type FileContext, type RuleFamily, type SecretRule } from './rules.js';
import { hasRepeatedRun, isFillerValue, shannonEntropy } from './value-checks.js';

/** A secret found in a text. `secret` is the raw value: it must never leave the scanner process. */
export interface SecretMatch {
  ruleId: string;
  family: RuleFamily;
  title: string;
  severity: Severity;
  /** 1-based line of the start of the secret (the header line for a key block). */
  line: number;
  endLine: number;
  /** 1-based column of the start of the secret. */
  column: number;
  secret: string;
  /** A `gitleaks:allow` or `gatehouse:allow` comment is on the line. */
  inlineAllowed: boolean;
  /** UTF-16 offsets of the value in the scanned text (end exclusive). */
  start: number;
  end: number;
}

export const INLINE_ALLOW_MARKERS = ['gitleaks:allow', 'gatehouse:allow'] as const;

// Program source (Bicep too: a bare word there is a parameter), stylesheets (`[type="password"]:focus`
// is a selector, a Sass variable's literal is quoted), and prose that quotes them (README snippets):
// only quoted literals count there.
const CODE_EXTENSIONS =
  /\.(?:[cm]?[jt]sx?|py|rb|go|java|kt|kts|scala|groovy|cs|fs|vb|php|rs|swift|m|mm|c|cc|cpp|cxx|h|hpp|dart|lua|pl|pm|r|ex|exs|erl|clj|cljs|elm|hs|ml|vue|svelte|md|mdx|markdown|rst|adoc|ipynb|bicep|css|scss|sass|less|styl)$/i;

const LOCKFILE =
  /(?:^|\/)(?:package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lockb?|deno\.lock|Gemfile\.lock|Cargo\.lock|composer\.lock|poetry\.lock|Pipfile\.lock|uv\.lock|go\.sum|packages\.lock\.json|pubspec\.lock|Podfile\.lock|mix\.lock|gradle\.lockfile|flake\.lock)$/;
const MINIFIED_NAME = /(?:[.-]min\.(?:js|css|mjs)|\.bundle\.js|\.chunk\.js|\.map)$/i;

interface CompiledRule {
  rule: SecretRule;
  index: number;
  regex: RegExp;
}

export interface EngineOptions {
  rules?: readonly SecretRule[];
}

/** Compiles the rules and the keyword automaton once; `scan` is then called per file. */
export class SecretEngine {
  private readonly rules: CompiledRule[];
  private readonly matcher: KeywordMatcher;
  /** keyword index -> rules that listed it */
  private readonly rulesByKeyword: CompiledRule[][];
  /** Rules without keywords: they run on every line of the files their `paths` select. */
  private readonly pathRules: CompiledRule[];
  /** Rules with keywords that also apply only to some paths. */
  private readonly keywordPathRules: CompiledRule[];

  constructor(options: EngineOptions = {}) {
    const rules = options.rules ?? SECRET_RULES;
    this.rules = rules.map((rule, index) => {
      const flags = new Set([...rule.pattern.flags, 'g', 'd']);
      if (rule.keywords.length === 0 && !rule.paths) throw new Error(`rule ${rule.id} needs keywords or paths`);
      return { rule, index, regex: new RegExp(rule.pattern.source, [...flags].join('')) };
    });
    const keywords: string[] = [];
    const keywordIndex = new Map<string, number>();
    this.rulesByKeyword = [];
    for (const compiled of this.rules) {
      for (const raw of compiled.rule.keywords) {
        const keyword = raw.toLowerCase();
        let k = keywordIndex.get(keyword);
        if (k === undefined) {
          k = keywords.length;
          keywords.push(keyword);
          keywordIndex.set(keyword, k);
          this.rulesByKeyword.push([]);
        }
        this.rulesByKeyword[k].push(compiled);
      }
    }
    this.matcher = new KeywordMatcher(keywords);
    this.pathRules = this.rules.filter((r) => r.rule.keywords.length === 0);
    this.keywordPathRules = this.rules.filter((r) => r.rule.keywords.length > 0 && r.rule.paths !== undefined);
  }

  get ruleCount(): number {
    return this.rules.length;
  }

  /** Scans one file's text. `path` is relative to the scanned folder, with forward slashes. */
  scan(text: string, path: string): SecretMatch[] {
    const file: FileContext = { path, isCode: CODE_EXTENSIONS.test(path) };
    // Lockfiles and minified assets: only the fixed-shape rules (integrity hashes and mangled
    // identifiers would otherwise look like generic secrets).
    const strongOnly = LOCKFILE.test(path) || MINIFIED_NAME.test(path) || looksMinified(text);
    const candidates: Candidate[] = [];
    const lines = new LineIndex(text);

    for (const compiled of this.pathRules) {
      if (strongOnly && !compiled.rule.strongShape) continue;
      if (compiled.rule.paths?.test(path)) this.runRule(compiled, text, 0, text.length, text.length, file, lines, candidates);
    }

    const lastRegionStart = new Int32Array(this.rules.length).fill(-1);
    // Rules limited to some paths: decided once per file, not on every keyword hit. A rule that
    // does not apply is marked as already run on every line.
    for (const compiled of this.keywordPathRules) {
      if (!compiled.rule.paths?.test(path)) lastRegionStart[compiled.index] = -2;
    }
    let lineStart = 0;
    let lineEnd = -1;
    this.matcher.scan(text, (keyword, end) => {
      if (end - 1 >= lineEnd) {
        lineStart = text.lastIndexOf('\n', end - 1) + 1;
        lineEnd = text.indexOf('\n', end - 1);
        if (lineEnd === -1) lineEnd = text.length;
      }
      for (const compiled of this.rulesByKeyword[keyword]) {
        const rule = compiled.rule;
        const last = lastRegionStart[compiled.index];
        if (last === lineStart || last === -2) continue;
        if (strongOnly && !rule.strongShape) continue;
        lastRegionStart[compiled.index] = lineStart;
        const regionEnd = rule.window ? Math.min(text.length, lineStart + rule.window) : lineEnd;
        this.runRule(compiled, text, lineStart, regionEnd, lineEnd, file, lines, candidates);
      }
    });
    return dedupe(candidates);
  }

  /**
   * Runs one rule over text[start, end). Matches must begin before `firstLineEnd` so that a
   * window rule reports each block once, from the line of its keyword.
   */
  private runRule(
    compiled: CompiledRule,
    text: string,
    start: number,
    end: number,
    firstLineEnd: number,
    file: FileContext,
    lines: LineIndex,
    out: Candidate[],
  ): void {
    const { rule, regex } = compiled;
    const region = start === 0 && end === text.length ? text : text.slice(start, end);
    if (rule.lineMustInclude && !rule.lineMustInclude.some((s) => region.includes(s))) return;
    regex.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = regex.exec(region)) !== null) {
      if (m[0].length === 0) {
        regex.lastIndex++;
        continue;
      }
      if (start + m.index >= firstLineEnd) break;
      const groups = m.groups ?? {};
      const indices = m.indices?.groups ?? {};
      const quoted = groups.secret !== undefined;
      const secretRaw = groups.secret ?? groups.bare ?? m[1] ?? m[0];
      const span = indices.secret ?? indices.bare ?? m.indices?.[1] ?? [m.index, m.index + m[0].length];
      // Keep regex state: a check may run other regular expressions, never this one.
      const next = regex.lastIndex;
      const verdict = judge(rule, secretRaw, m, quoted, file);
      regex.lastIndex = next;
      if (verdict === false) continue;
      const secret = rule.normalize ? rule.normalize(secretRaw) : secretRaw;
      const absStart = start + span[0];
      const absEnd = start + span[1];
      const line = lines.lineOf(absStart);
      const endLine = lines.lineOf(Math.max(absStart, absEnd - 1));
      out.push({
        ruleId: verdict === true ? rule.id : verdict.id,
        family: rule.family,
        title: verdict === true ? rule.title : (verdict.title ?? rule.title),
        severity: verdict === true ? rule.severity : (verdict.severity ?? rule.severity),
        line,
        endLine,
        column: absStart - lines.startOf(line) + 1,
        secret,
        inlineAllowed: hasAllowMarker(lines.textOf(line)) || (endLine !== line && hasAllowMarker(lines.textOf(endLine + 1))),
        start: absStart,
        end: absEnd,
        priority: rule.priority ?? FAMILY_PRIORITY[rule.family],
      });
    }
  }
}

interface Candidate extends SecretMatch {
  priority: number;
}

function judge(rule: SecretRule, secret: string, match: RegExpExecArray, quoted: boolean, file: FileContext) {
  if (rule.minLength !== undefined && secret.length < rule.minLength) return false;
  if (rule.minEntropy !== undefined && shannonEntropy(secret) < rule.minEntropy) return false;
  if (rule.check) return rule.check({ secret, match, quoted, file });
  // Fixed-shape tokens and hashes: only the filler test (AKIAIOSFODNN7EXAMPLE); `$` and `{` belong
  // to their formats, so the template-reference test does not apply.
  return !isFillerValue(secret) && (rule.family !== 'provider-token' || !hasRepeatedRun(secret));
}

function hasAllowMarker(line: string): boolean {
  return INLINE_ALLOW_MARKERS.some((marker) => line.includes(marker));
}

/** Two rules on the same secret (or overlapping spans): keep the most specific one. */
function dedupe(candidates: Candidate[]): SecretMatch[] {
  candidates.sort((a, b) => a.priority - b.priority || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: Candidate[] = [];
  for (const c of candidates) {
    if (kept.some((k) => c.start < k.end && k.start < c.end)) continue;
    kept.push(c);
  }
  kept.sort((a, b) => a.start - b.start);
  return kept.map(({ priority: _p, ...match }) => match);
}

/** Minified: long lines that make up most of the file (bundles, inlined assets). */
function looksMinified(text: string): boolean {
  if (text.length < 2_000) return false;
  const sample = text.length > 65_536 ? text.slice(0, 65_536) : text;
  let newlines = 0;
  for (let i = sample.indexOf('\n'); i !== -1; i = sample.indexOf('\n', i + 1)) newlines++;
  return sample.length / (newlines + 1) > 500;
}

/** Offsets of line starts, built lazily: most files have no candidate at all. */
class LineIndex {
  private starts: number[] | undefined;
  constructor(private readonly text: string) {}

  private build(): number[] {
    if (this.starts) return this.starts;
    const starts = [0];
    for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1)) starts.push(i + 1);
    this.starts = starts;
    return starts;
  }

  /** 1-based line number of an offset. */
  lineOf(offset: number): number {
    const starts = this.build();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  startOf(line: number): number {
    return this.build()[line - 1] ?? this.text.length;
  }

  textOf(line: number): string {
    const starts = this.build();
    if (line < 1 || line > starts.length) return '';
    const end = line < starts.length ? starts[line] - 1 : this.text.length;
    return this.text.slice(starts[line - 1], end);
  }
}
