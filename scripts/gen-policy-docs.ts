// Writes the rule tables of docs/policy-checks.md (between <!-- policy-rules:start --> and
// <!-- policy-rules:end -->) from the rule lists in the source, so the page lists every rule with the
// practice it enforces and can never disagree with the code (test/policy/docs.test.ts checks it).
//   node --import tsx scripts/gen-policy-docs.ts          rewrite the block
//   node --import tsx scripts/gen-policy-docs.ts --check  exit 1 when the page is out of date
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CI_RULES } from '../src/scanners/gatehouse-ci/check.js';
import { COMPROMISED_ACTIONS } from '../src/scanners/gatehouse-ci/compromised-actions.js';
import { DEPLOY_RULES } from '../src/scanners/gatehouse-deploy/rules.js';
import type { PolicyRule } from '../src/scanners/policy/policy.js';

export const POLICY_DOCS = fileURLToPath(new URL('../docs/policy-checks.md', import.meta.url));
const START = '<!-- policy-rules:start -->';
const END = '<!-- policy-rules:end -->';

const cell = (text: string) => text.replace(/\|/g, '\\|');

function table(rules: readonly PolicyRule[]): string {
  return [
    '| rule | severity | practice it enforces | fix |',
    '|---|---|---|---|',
    ...rules.map((r) => `| \`${r.id}\` | ${r.severity} | ${cell(r.practice)} | ${cell(r.fix)} |`),
  ].join('\n');
}

export function renderPolicyRules(): string {
  return [
    '### CI workflows: `gatehouse-ci` (category `ci`)',
    '',
    table(CI_RULES),
    '',
    'Known compromised action releases (`ci-compromised-action`), kept in `src/scanners/gatehouse-ci/compromised-actions.ts`:',
    '',
    '| action | affected | advisories | window (UTC) | move to |',
    '|---|---|---|---|---|',
    ...COMPROMISED_ACTIONS.map((c) => `| \`${c.action}\` | ${cell(c.affected)} | ${c.advisories.join(', ')} | ${c.window} | ${cell(c.safe)} |`),
    '',
    '### Deployment files: `gatehouse-deploy` (category `misconfig`)',
    '',
    'Files that never reach production (under `.devcontainer/`, in test, fixture, docs and example',
    'folders, or named for an end-to-end test run: `docker-compose.e2e.yml`, `compose.cypress.yaml`,',
    '`src/scanners/test-paths.ts`) are checked and reported like any other, but every finding in them counts as `low`: a',
    '`POSTGRES_PASSWORD: postgres` in a dev container\'s compose file is a local default, not a leak.',
    'A secret rule\'s identity (fingerprint) is its file, key and place, never a hash of the value.',
    '',
    'The three inline-secret rules (`docker-secret-in-image`, `k8s-inline-secret-env`,',
    '`compose-secret-env`) judge a name as the secret scanner does (`SECRET_STORE`, `TOKEN_TTL`,',
    '`API_KEY_HEADER`, `AWS_ACCESS_KEY_ID` name no secret; a name ending in `_FILE`, `_PATH`, `_DIR`,',
    '`_URL`, `_NAME` or `_ID` neither), and skip the stand-in values it skips (`dummy`, `changeme`,',
    '`your-token-here`). A well-known default (`postgres`) still counts. When the secret scanner finds the',
    'same value on the same line, the two are one finding: the secret finding, naming both tools',
    '(`gatehouse-deploy + gatehouse-secrets`), with the worse severity, both fixes and the deployment',
    'check\'s message after "also". An inline ignore marker silences the pair only when both tools\' markers',
    'are there.',
    '',
    table(DEPLOY_RULES),
  ].join('\n');
}

export function withPolicyRules(page: string): string {
  const start = page.indexOf(START);
  const end = page.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/policy-checks.md has no ${START} ... ${END} block`);
  return `${page.slice(0, start + START.length)}\n${renderPolicyRules()}\n${page.slice(end)}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const page = readFileSync(POLICY_DOCS, 'utf8');
  const updated = withPolicyRules(page);
  if (process.argv.includes('--check')) {
    if (updated !== page) {
      console.error('docs/policy-checks.md is out of date: run node --import tsx scripts/gen-policy-docs.ts');
      process.exit(1);
    }
    console.log('docs/policy-checks.md is up to date');
  } else {
    writeFileSync(POLICY_DOCS, updated);
    console.log('docs/policy-checks.md rule tables written');
  }
}
