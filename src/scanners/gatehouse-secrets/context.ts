// Where a secret sits: production code, a test, documentation or an example. From the path (folder
// and file names) and the file kind, with globs from the config first. Generic rules (password
// assignments, entropy, JWTs, private keys, ...) found outside code count as `low` by default;
// provider tokens with a checkable format keep their severity (a live AWS key in a test is live).
import picomatch from 'picomatch';
import type { SecretContext as FindingSecretContext, Severity } from '../../findings/finding.js';
import type { RuleFamily } from './rules.js';
import { isTestPath, PIPELINE_FOLDERS } from '../test-paths.js';
import { DOCS_FILE } from './prose-files.js';

// The list is repeated from findings/finding.ts (which needs zod, kept out of the scanner's bundle);
// the type check below fails if they part.
export const SECRET_CONTEXTS = ['code', 'test', 'docs', 'example'] as const;
export type SecretContext = (typeof SECRET_CONTEXTS)[number];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _sameContexts: Same<SecretContext, FindingSecretContext> = true;
void _sameContexts;

export interface ContextOptions {
  /** Extra globs per context (picomatch, dot files included), tried before the built-in rules, in the order code, test, docs, example. */
  globs?: Partial<Record<SecretContext, readonly string[]>>;
  /** Contexts where generic rules count as `low` (default: test, docs, example). */
  downgrade?: readonly SecretContext[];
}

export const DEFAULT_DOWNGRADE: readonly SecretContext[] = ['test', 'docs', 'example'];

const EXAMPLE_DIR = /(?:^|\/)(?:examples?|samples?|demos?|quickstarts?|tutorials?|playground)\//i;
// A project template's files (cookiecutter, a starter kit) are examples; what a deploy tool renders
// and installs is production: a Helm chart's `templates/` (`charts/api/templates/secret.yaml`), an
// Ansible role's (`roles/db/templates/my.cnf.j2`, written to the hosts it configures), and the
// templates a CI pipeline includes (`.gitlab/ci/templates/deploy.yml`).
const TEMPLATE_DIR = /(?:^|\/)templates?\//i;
const DEPLOYED_TEMPLATES = new RegExp(String.raw`(?:^|\/)(?:(?:charts?|helm|\.github|${PIPELINE_FOLDERS})\/(?:[^/]+\/)*|roles\/[^/]+\/)templates\/`, 'i');
const EXAMPLE_FILE = /(?:^|\/)[^/]*(?:\.|_|-)(?:example|sample|template|dist|tmpl|tpl)(?:\.[^/]*)?$|(?:^|\/)(?:example|sample)[^/]*$/i;
// `docs_src/`: the runnable examples a documentation site includes (fastapi/fastapi's tutorials).
const DOCS_DIR = /(?:^|\/)(?:docs?(?:[-_](?:src|source|snippets?))?|documentation|site|website|wiki|man|guides?)\//i;
const DOCS_NAME = /(?:^|\/)(?:README|CHANGELOG|CHANGES|HISTORY|CONTRIBUTING|NEWS)(?:\.[^/]*)?$/i;
// Translation catalogs: text shown to people, keyed by names like `LABEL_TWO_FACTOR_AUTH_TOKEN` or
// by the English sentence itself ("... strengthen her password.": juice-shop/juice-shop's i18n/*.json).
// Read like docs: a generic rule's match there is a phrase, not a credential. Only catalog-shaped
// files: under `i18n/`, `l10n/`, `locales/`, `translations/`, named by a locale (`de_CH.json`,
// `locales/it/…`) or `messages*`/`strings*`; gettext, XLIFF and ARB files anywhere. Not `lang/`
// (language bindings: apache/avro's `lang/java/…`), not a tool's settings there (`i18n/lokalise.json`).
const LOCALE = String.raw`[a-z]{2}(?:[-_][A-Za-z]{2,4}){0,2}`; // two letters: `api.json`, `dev/` are not locales
const TRANSLATION_FILE = new RegExp(
  String.raw`(?:^|/)(?:i18n|l10n|locales?|translations?)/(?:[^/]+/)*(?:${LOCALE}/(?:[^/]+/)*[^/.][^/]*|${LOCALE}|(?:messages|strings|translations?)(?:[-_.][^/]*)?)\.(?:json|ya?ml|properties|toml)$|\.(?:po|pot|xlf|xliff|arb)$`,
);

export type ContextClassifier = (path: string) => SecretContext;

export function createContextClassifier(options: ContextOptions = {}): ContextClassifier {
  const matchers = SECRET_CONTEXTS.flatMap((context) => {
    const globs = options.globs?.[context] ?? [];
    return globs.length > 0 ? [{ context, match: picomatch([...globs], { dot: true }) }] : [];
  });
  return (path) => {
    for (const m of matchers) if (m.match(path)) return m.context;
    return builtinContext(path);
  };
}

/** The built-in rules: tests before examples before docs (a test's README is test material). */
export function builtinContext(path: string): SecretContext {
  if (isTestPath(path)) return 'test';
  if (EXAMPLE_DIR.test(path) || EXAMPLE_FILE.test(path) || (TEMPLATE_DIR.test(path) && !DEPLOYED_TEMPLATES.test(path))) return 'example';
  if (DOCS_DIR.test(path) || DOCS_FILE.test(path) || DOCS_NAME.test(path) || TRANSLATION_FILE.test(path)) return 'docs';
  return 'code';
}

/** Provider-token rules whose value has no checkable format of its own. */
const GENERIC_PROVIDER_RULES = new Set(['jwt']);

/**
 * A generic rule: its value has no provider format that proves it is a credential (a password
 * assignment, an entropy match, a JWT, a private key, a connection string, a hash). Provider tokens
 * with a checkable shape (`AKIA…`, `ghp_…`, `xoxb-…`, `sk_live_…`) are not.
 */
export function isGenericRule(ruleId: string, family: RuleFamily): boolean {
  if (family === 'provider-token') return GENERIC_PROVIDER_RULES.has(ruleId);
  return true;
}

/** The severity a finding counts with in its context. */
export function severityInContext(severity: Severity, ruleId: string, family: RuleFamily, context: SecretContext, downgrade: readonly SecretContext[] = DEFAULT_DOWNGRADE): Severity {
  if (context === 'code' || !downgrade.includes(context) || !isGenericRule(ruleId, family)) return severity;
  return severity === 'info' ? 'info' : 'low';
}
