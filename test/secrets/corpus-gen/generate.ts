// Builds the planted secret corpus: test/secrets/corpus/files/** and test/secrets/corpus/manifest.json.
// Run: `node --import tsx test/secrets/corpus-gen/generate.ts` (deterministic: same seed, same corpus).
//
// Sources:
// - templates/<kind>/<path>: hand-written realistic files with markers, copied to files/<kind>/<path>.
// - the code below: provider tokens in many file formats, private keys of every format, and clean
//   look-alikes that need bulk (lockfiles, minified bundles, base64 images, ID lists).
//
// Markers: {{S:gen}} planted secret (expected finding), {{S:gen:kind}} with the kind overridden,
// {{A:gen}} planted on a line with an inline allow comment (expected, inlineAllowed),
// {{P:gen}} planted in an allow-path fixture (expected only when allow-paths are not applied),
// {{N:gen}} a random value that must not be reported, {{KB:key}} a PEM key base64-encoded.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { GENERATORS, KEY_GENERATORS, pemAsBase64, pemAsJsonString, Random, ALNUM, B64, HEX, type Planted } from './values.js';

const here = dirname(fileURLToPath(import.meta.url));
// GATEHOUSE_CORPUS_OUT: write elsewhere (the freshness test regenerates into a temporary folder).
const corpusDir = process.env.GATEHOUSE_CORPUS_OUT ?? join(here, '..', 'corpus');
const filesDir = join(corpusDir, 'files');

export const KINDS = ['provider-token', 'private-key', 'dev-tool-config', 'app-config', 'password-hash', 'high-entropy', 'declarations'] as const;
type Kind = (typeof KINDS)[number];

interface ExpectedSecret {
  file: string;
  line: number;
  /** Last line of the planted text (keys span lines; the scanner may report any line of it). */
  endLine: number;
  kind: Kind;
  generator: string;
  /** sha256 of the secret as the scanner should hash it. */
  sha256: string;
  inlineAllowed?: boolean;
  allowPathFixture?: boolean;
  /** Lines of the value, for the "never printed" test (keys span lines). */
  fragments: string[];
}

const random = new Random(0x5ec2e75);
const expected: ExpectedSecret[] = [];
const cleanFiles: string[] = [];
const secretFiles = new Set<string>();

function sha256(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

function generate(name: string): Planted {
  const g = GENERATORS[name] ?? KEY_GENERATORS[name];
  if (!g) throw new Error(`no generator ${name}`);
  return g(random);
}

/** Expands the markers of a template and records the expected secrets of the file. */
function writeCorpusFile(rel: string, template: string, defaultKind: Kind | 'clean' | 'allowed'): void {
  let out = '';
  let last = 0;
  let plantedHere = 0;
  for (const m of template.matchAll(/\{\{(S|A|P|N|KB|KJ|K):([\w-]+)(?::([\w-]+))?\}\}/g)) {
    out += template.slice(last, m.index);
    last = m.index + m[0].length;
    const [, mode, gen, kindOverride] = m;
    let planted = generate(gen);
    if (mode === 'KB') planted = pemAsBase64(planted);
    if (mode === 'KJ') planted = pemAsJsonString(planted);
    const line = out.split('\n').length;
    out += planted.text;
    if (mode === 'N') continue;
    const kind = (kindOverride ?? (defaultKind === 'clean' || defaultKind === 'allowed' ? 'provider-token' : defaultKind)) as Kind;
    if (!KINDS.includes(kind)) throw new Error(`${rel}: unknown kind ${kind}`);
    plantedHere++;
    expected.push({
      file: rel,
      line,
      endLine: line + planted.text.split('\n').length - 1,
      kind,
      generator: gen,
      sha256: sha256(planted.secret),
      ...(mode === 'A' ? { inlineAllowed: true } : {}),
      ...(mode === 'P' ? { allowPathFixture: true } : {}),
      fragments: fragmentsOf(planted),
    });
  }
  out += template.slice(last);
  if (defaultKind === 'clean' && plantedHere > 0) throw new Error(`${rel}: a clean file has planted secrets`);
  const abs = join(filesDir, rel);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, out);
  if (defaultKind === 'clean') cleanFiles.push(rel);
  else if (plantedHere > 0) secretFiles.add(rel);
}

/** What must never be printed: the value, or each line of a multi-line value. */
function fragmentsOf(p: Planted): string[] {
  if (!p.text.includes('\n') && !p.text.includes('\\n')) return [p.secret];
  return p.text
    .split(/\n|\\n/)
    .filter((l) => l.length >= 24 && /^[A-Za-z0-9+/=]+$/.test(l));
}

// ---------------------------------------------------------------------------------------------
// 1. Hand-written templates

function walkTemplates(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const abs = join(dir, name);
    return statSync(abs).isDirectory() ? walkTemplates(abs) : [abs];
  });
}

const templatesDir = join(here, 'templates');
rmSync(corpusDir, { recursive: true, force: true });
for (const abs of walkTemplates(templatesDir).sort()) {
  const rel = relative(templatesDir, abs).split('\\').join('/');
  const kind = rel.split('/')[0] as Kind | 'clean' | 'allowed';
  writeCorpusFile(rel, readFileSync(abs, 'utf8'), kind);
}

// ---------------------------------------------------------------------------------------------
// 2. Provider tokens in the file formats they leak through

const TOKEN_VARIABLES: Record<string, string> = {
  'aws-access-key-id': 'AWS_ACCESS_KEY_ID',
  'gcp-api-key': 'GOOGLE_MAPS_API_KEY',
  'gcp-oauth-client-secret': 'GOOGLE_CLIENT_SECRET',
  'gcp-refresh-token': 'GOOGLE_REFRESH_TOKEN',
  'azure-client-secret': 'AZURE_CLIENT_SECRET',
  'digitalocean-token': 'DIGITALOCEAN_ACCESS_TOKEN',
  'alibaba-access-key-id': 'ALIBABA_CLOUD_ACCESS_KEY_ID',
  'heroku-api-key': 'HEROKU_API_KEY',
  'vault-token': 'VAULT_TOKEN',
  'terraform-cloud-token': 'TFE_TOKEN',
  'doppler-token': 'DOPPLER_TOKEN',
  'pulumi-token': 'PULUMI_ACCESS_TOKEN',
  'flyio-token': 'FLY_API_TOKEN',
  'netlify-token': 'NETLIFY_AUTH_TOKEN',
  'github-pat': 'GH_TOKEN',
  'github-fine-grained-pat': 'GITHUB_PAT',
  'github-oauth-token': 'GITHUB_OAUTH_TOKEN',
  'github-app-token': 'GITHUB_APP_INSTALLATION_TOKEN',
  'gitlab-pat': 'GITLAB_TOKEN',
  'gitlab-runner-token': 'RUNNER_TOKEN',
  'gitlab-trigger-token': 'TRIGGER_TOKEN',
  'gitlab-deploy-token': 'CI_DEPLOY_PASSWORD',
  'bitbucket-app-password': 'BITBUCKET_APP_PASSWORD',
  'atlassian-api-token': 'JIRA_API_TOKEN',
  'circleci-token': 'CIRCLE_TOKEN',
  'buildkite-token': 'BUILDKITE_API_TOKEN',
  'sonarqube-token': 'SONAR_TOKEN',
  'octopus-api-key': 'OCTOPUS_API_KEY',
  'jfrog-api-key': 'ARTIFACTORY_API_KEY',
  'grafana-sa-token': 'GRAFANA_TOKEN',
  'sentry-token': 'SENTRY_AUTH_TOKEN',
  'new-relic-key': 'NEW_RELIC_API_KEY',
  'linear-api-key': 'LINEAR_API_KEY',
  'postman-api-key': 'POSTMAN_API_KEY',
  'notion-token': 'NOTION_TOKEN',
  'huggingface-token': 'HF_TOKEN',
  'openai-api-key': 'OPENAI_API_KEY',
  'anthropic-api-key': 'ANTHROPIC_API_KEY',
  'age-secret-key': 'SOPS_AGE_KEY',
  'shopify-token': 'SHOPIFY_ACCESS_TOKEN',
  'databricks-token': 'DATABRICKS_TOKEN',
  'slack-bot-token': 'SLACK_BOT_TOKEN',
  'slack-user-token': 'SLACK_USER_TOKEN',
  'slack-app-token': 'SLACK_APP_TOKEN',
  'slack-webhook-url': 'SLACK_WEBHOOK_URL',
  'discord-webhook-url': 'DISCORD_WEBHOOK',
  'teams-webhook-url': 'TEAMS_WEBHOOK_URL',
  'telegram-bot-token': 'TELEGRAM_BOT_TOKEN',
  'twilio-api-key': 'TWILIO_API_KEY',
  'sendgrid-api-key': 'SENDGRID_API_KEY',
  'mailgun-api-key': 'MAILGUN_API_KEY',
  'mailchimp-api-key': 'MAILCHIMP_API_KEY',
  'stripe-live-key': 'STRIPE_SECRET_KEY',
  'stripe-restricted-key': 'STRIPE_RESTRICTED_KEY',
  'stripe-test-key': 'STRIPE_TEST_SECRET_KEY',
  'stripe-webhook-secret': 'STRIPE_WEBHOOK_SECRET',
  'square-token': 'SQUARE_ACCESS_TOKEN',
  'braintree-token': 'BRAINTREE_ACCESS_TOKEN',
  'plaid-access-token': 'PLAID_ACCESS_TOKEN',
  'flutterwave-secret-key': 'FLW_SECRET_KEY',
  'npm-token': 'NPM_TOKEN',
  'pypi-token': 'TWINE_PASSWORD',
  'rubygems-api-key': 'GEM_HOST_API_KEY',
  'nuget-api-key': 'NUGET_API_KEY',
  'dockerhub-pat': 'DOCKERHUB_TOKEN',
  'crates-io-token': 'CARGO_REGISTRY_TOKEN',
  'clojars-token': 'CLOJARS_PASSWORD',
  jwt: 'SERVICE_JWT',
  'gitlab-ci-build-token': 'CI_BUILD_TOKEN',
  'dynatrace-token': 'DT_API_TOKEN',
  'planetscale-token': 'PLANETSCALE_SERVICE_TOKEN',
  'prefect-api-key': 'PREFECT_API_KEY',
  'readme-api-key': 'README_API_KEY',
  'sendinblue-api-key': 'BREVO_API_KEY',
  'shippo-api-token': 'SHIPPO_API_TOKEN',
  'typeform-token': 'TYPEFORM_TOKEN',
  'openshift-token': 'OPENSHIFT_TOKEN',
  'easypost-api-key': 'EASYPOST_API_KEY',
  'duffel-token': 'DUFFEL_ACCESS_TOKEN',
  'infracost-api-key': 'INFRACOST_API_KEY',
  'scalingo-token': 'SCALINGO_API_TOKEN',
  'supabase-token': 'SUPABASE_ACCESS_TOKEN',
  'onepassword-service-token': 'OP_SERVICE_ACCOUNT_TOKEN',
};

const camel = (env: string) => env.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

type Entry = { env: string; marker: string };
const FORMATS: { path: (i: number) => string; render: (entries: Entry[]) => string }[] = [
  {
    path: (i) => `services/svc-${i}/.env`,
    render: (e) => `# service ${e.length} settings\nLOG_LEVEL=info\n${e.map((x) => `${x.env}=${x.marker}`).join('\n')}\nPORT=8080\n`,
  },
  {
    path: (i) => `services/svc-${i}/src/config.ts`,
    render: (e) =>
      `// Runtime configuration\nexport const config = {\n  region: 'eu-west-1',\n${e.map((x) => `  ${camel(x.env)}: '${x.marker}',`).join('\n')}\n  timeoutMs: 5_000,\n};\n`,
  },
  {
    path: (i) => `services/svc-${i}/settings.py`,
    render: (e) => `import logging\n\nLOG = logging.getLogger(__name__)\n\n${e.map((x) => `${x.env} = "${x.marker}"`).join('\n')}\nRETRIES = 3\n`,
  },
  {
    path: (i) => `services/svc-${i}/.github/workflows/deploy.yml`,
    render: (e) =>
      `name: deploy\non: [push]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env:\n${e.map((x) => `      ${x.env}: ${x.marker}`).join('\n')}\n    steps:\n      - uses: actions/checkout@v4\n      - run: ./deploy.sh\n`,
  },
  {
    path: (i) => `services/svc-${i}/Dockerfile`,
    render: (e) => `FROM python:3.12-slim\nWORKDIR /app\n${e.map((x) => `ENV ${x.env}=${x.marker}`).join('\n')}\nCOPY . .\nCMD ["python", "main.py"]\n`,
  },
  {
    path: (i) => `services/svc-${i}/scripts/bootstrap.sh`,
    render: (e) => `#!/usr/bin/env bash\nset -euo pipefail\n${e.map((x) => `export ${x.env}="${x.marker}"`).join('\n')}\n./run-migrations\n`,
  },
  {
    path: (i) => `services/svc-${i}/main.tf`,
    render: (e) =>
      `provider "aws" {\n  region = "eu-west-1"\n}\n\nlocals {\n${e.map((x) => `  ${x.env.toLowerCase()} = "${x.marker}"`).join('\n')}\n}\n`,
  },
  {
    path: (i) => `services/svc-${i}/internal/config/secrets.go`,
    render: (e) => `package config\n\nconst (\n${e.map((x) => `\t${camel(x.env)} = "${x.marker}"`).join('\n')}\n)\n`,
  },
  {
    path: (i) => `services/svc-${i}/src/main/resources/application.yml`,
    render: (e) => `server:\n  port: 8080\nintegrations:\n${e.map((x) => `  ${x.env.toLowerCase().replace(/_/g, '-')}: ${x.marker}`).join('\n')}\n`,
  },
  {
    path: (i) => `services/svc-${i}/config/settings.json`,
    render: (e) => `{\n  "name": "svc-${e.length}",\n${e.map((x) => `  "${camel(x.env)}": "${x.marker}",`).join('\n')}\n  "debug": false\n}\n`,
  },
  {
    path: (i) => `services/svc-${i}/config/initializers/clients.rb`,
    render: (e) => `# frozen_string_literal: true\n\n${e.map((x) => `${x.env} = '${x.marker}'`).join('\n')}\n`,
  },
  {
    path: (i) => `services/svc-${i}/docs/runbook.md`,
    render: (e) =>
      `# Runbook\n\nIf the deploy fails, re-run it by hand with:\n\n\`\`\`sh\n${e.map((x) => `${x.env}=${x.marker} \\`).join('\n')}\n  ./deploy.sh\n\`\`\`\n`,
  },
  {
    path: (i) => `services/svc-${i}/k8s/configmap.yaml`,
    render: (e) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: svc-config\ndata:\n${e.map((x) => `  ${x.env}: "${x.marker}"`).join('\n')}\n`,
  },
  {
    path: (i) => `services/svc-${i}/src/Program.cs`,
    render: (e) =>
      `namespace Svc;\n\ninternal static class Secrets\n{\n${e.map((x) => `    internal const string ${camel(x.env).replace(/^./, (c) => c.toUpperCase())} = "${x.marker}";`).join('\n')}\n}\n`,
  },
];

const providerGenerators = Object.keys(TOKEN_VARIABLES);
// Every provider token twice, in two different formats, three per file.
const plan = [...providerGenerators, ...providerGenerators.slice().reverse()];
for (let i = 0, file = 0; i < plan.length; i += 3, file++) {
  const format = FORMATS[file % FORMATS.length];
  const entries = plan.slice(i, i + 3).map((gen) => ({ env: TOKEN_VARIABLES[gen], marker: `{{S:${gen}}}` }));
  writeCorpusFile(`provider-token/${format.path(file)}`, format.render(entries), 'provider-token');
}

// ---------------------------------------------------------------------------------------------
// 3. Private keys of every format, alone and embedded

const KEY_FILES: [string, string][] = [
  ['private-key/deploy/id_rsa', '{{K:rsa-pkcs1}}\n'],
  ['private-key/legacy/server.key', '{{K:rsa-pkcs1-encrypted}}\n'],
  ['private-key/tls/tls.key', '{{K:pkcs8}}\n'],
  ['private-key/tls/backup-encrypted.pem', '{{K:pkcs8-encrypted}}\n'],
  ['private-key/ec/signing-ec.pem', '{{K:ec}}\n'],
  ['private-key/dsa/legacy-dsa.pem', '{{K:dsa}}\n'],
  ['private-key/home/.ssh/id_ed25519', '{{K:openssh}}\n'],
  ['private-key/home/.ssh/id_rsa', '{{K:openssh-encrypted}}\n'],
  ['private-key/gpg/release-signing.asc', '{{K:pgp}}\n'],
  ['private-key/ssh2/partner_rsa', '{{K:ssh2}}\n'],
  ['private-key/putty/deploy.ppk', '{{K:putty-v3}}\n'],
  ['private-key/putty/legacy-encrypted.ppk', '{{K:putty-v2-encrypted}}\n'],
  [
    'private-key/gcp/service-account.json',
    '{\n  "type": "service_account",\n  "project_id": "acme-analytics",\n  "private_key_id": "4f8e2a1c9b7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f",\n  "private_key": "{{KJ:pkcs8}}",\n  "client_email": "etl@acme-analytics.iam.gserviceaccount.com",\n  "client_id": "104857236591827364510",\n  "token_uri": "https://oauth2.googleapis.com/token"\n}\n',
  ],
  [
    'private-key/k8s/tls-secret.yaml',
    'apiVersion: v1\nkind: Secret\nmetadata:\n  name: ingress-tls\ntype: kubernetes.io/tls\ndata:\n  tls.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSURhekNDQWxPZ0F3SUJBZ0lVSjNoOFpMbVgxeTJRNG5Ua1A3dlc5c0UwYUI0d0RRWUpLb1pJaHZjTkFRRUwKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=\n  tls.key: {{KB:ec}}\n',
  ],
  ['private-key/app/.env', 'APP_NAME=signer\nSIGNING_KEY="{{K:ec}}"\nPORT=3000\n'],
  [
    'private-key/infra/bastion.tf',
    'resource "tls_private_key" "unused" {\n  algorithm = "ED25519"\n}\n\nlocals {\n  bastion_key = <<-EOT\n{{K:openssh}}\nEOT\n}\n',
  ],
  ['private-key/app/src/jwt_keys.py', 'JWT_PRIVATE_KEY = "{{KJ:rsa-pkcs1}}"\nJWT_ALGORITHM = "RS256"\n'],
  [
    'private-key/.github/workflows/deploy.yml',
    'name: deploy\non: [push]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: webfactory/ssh-agent@v0.9.0\n        with:\n          ssh-private-key: |\n{{K:openssh}}\n',
  ],
  ['private-key/app/src/test-signing.ts', "export const SIGNING_KEY = `{{K:pkcs8}}`;\n"],
];
for (const [rel, text] of KEY_FILES) writeCorpusFile(rel, text, 'private-key');
// A PKCS#12 key store: binary, reported by its file name (line 1), hashed by its bytes.
{
  const rel = 'private-key/certs/client-identity.p12';
  const bytes = Buffer.from(Array.from({ length: 2_000 }, () => random.int(256)));
  bytes[0] = 0x30; // DER SEQUENCE, as PKCS#12 files begin
  mkdirSync(dirname(join(filesDir, rel)), { recursive: true });
  writeFileSync(join(filesDir, rel), bytes);
  expected.push({ file: rel, line: 1, endLine: 1, kind: 'private-key', generator: 'pkcs12', sha256: createHash('sha256').update(bytes).digest('hex'), fragments: [] });
  secretFiles.add(rel);
}

// ---------------------------------------------------------------------------------------------
// 4. Fixtures the user allows by path: real-shaped secrets that must stay quiet with allow-paths.

writeCorpusFile(
  'allowed/test/fixtures/tokens.json',
  '{\n  "github": "{{P:github-pat}}",\n  "slack": "{{P:slack-bot-token}}",\n  "stripe": "{{P:stripe-live-key}}"\n}\n',
  'allowed',
);
writeCorpusFile('allowed/test/fixtures/id_rsa', '{{P:rsa-pkcs1:private-key}}\n', 'allowed');

// ---------------------------------------------------------------------------------------------
// 5. Clean look-alikes that need bulk

function integrity(): string {
  return `sha512-${random.chars(B64, 86)}==`;
}

{
  const names = ['express', 'lodash', 'react', 'react-dom', 'zod', 'yaml', 'debug', 'ms', 'semver', 'chalk', 'commander', 'uuid', 'axios', 'pg', 'redis'];
  const packages: Record<string, unknown> = { '': { name: 'orders', version: '2.8.1' } };
  for (let i = 0; i < 150; i++) {
    const name = `${random.pick(names)}${i > 14 ? `-${random.chars('abcdefghij', 5)}` : ''}`;
    packages[`node_modules/${name}`] = {
      version: `${random.int(9)}.${random.int(30)}.${random.int(20)}`,
      resolved: `https://registry.npmjs.org/${name}/-/${name}-1.0.0.tgz`,
      integrity: integrity(),
      license: 'MIT',
    };
  }
  writeCorpusFile('clean/app/package-lock.json', JSON.stringify({ name: 'orders', lockfileVersion: 3, requires: true, packages }, null, 2) + '\n', 'clean');

  let yarn = '# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n\n';
  for (let i = 0; i < 120; i++) {
    const name = `${random.pick(names)}-${random.chars('klmnopqrst', 4)}`;
    yarn += `${name}@^1.0.0:\n  version "1.${random.int(20)}.${random.int(9)}"\n  resolved "https://registry.yarnpkg.com/${name}/-/${name}-1.0.0.tgz#${random.chars(HEX, 40)}"\n  integrity ${integrity()}\n\n`;
  }
  writeCorpusFile('clean/web/yarn.lock', yarn, 'clean');

  let pnpm = "lockfileVersion: '9.0'\n\npackages:\n\n";
  for (let i = 0; i < 100; i++) {
    const name = `${random.pick(names)}-${random.chars('uvwxyz', 4)}`;
    pnpm += `  ${name}@1.${i}.0:\n    resolution: {integrity: ${integrity()}}\n    engines: {node: '>=18'}\n\n`;
  }
  writeCorpusFile('clean/web/pnpm-lock.yaml', pnpm, 'clean');

  let cargo = '# This file is automatically @generated by Cargo.\nversion = 3\n\n';
  for (let i = 0; i < 80; i++) {
    cargo += `[[package]]\nname = "crate-${random.chars('abcdef', 6)}"\nversion = "0.${random.int(20)}.${random.int(9)}"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "${random.chars(HEX, 64)}"\n\n`;
  }
  writeCorpusFile('clean/rust/Cargo.lock', cargo, 'clean');

  let gosum = '';
  for (let i = 0; i < 120; i++) {
    const mod = `github.com/${random.chars('abcdefgh', 6)}/${random.chars('ijklmnop', 5)}`;
    gosum += `${mod} v1.${random.int(9)}.0 h1:${random.chars(B64, 43)}=\n${mod} v1.${random.int(9)}.0/go.mod h1:${random.chars(B64, 43)}=\n`;
  }
  writeCorpusFile('clean/go/go.sum', gosum, 'clean');

  let poetry = '';
  for (let i = 0; i < 60; i++) {
    poetry += `[[package]]\nname = "pkg-${random.chars('abcdef', 5)}"\nversion = "2.${random.int(9)}.0"\nfiles = [\n    {file = "pkg-2.0.0-py3-none-any.whl", hash = "sha256:${random.chars(HEX, 64)}"},\n]\n\n`;
  }
  writeCorpusFile('clean/python/poetry.lock', poetry, 'clean');

  const composer = {
    packages: Array.from({ length: 40 }, (_, i) => ({
      name: `acme/pkg-${i}`,
      version: `v3.${i}.0`,
      source: { type: 'git', url: `https://github.com/acme/pkg-${i}.git`, reference: random.chars(HEX, 40) },
      dist: { type: 'zip', url: `https://api.github.com/repos/acme/pkg-${i}/zipball/${random.chars(HEX, 40)}`, shasum: '' },
    })),
    'content-hash': random.chars(HEX, 32),
  };
  writeCorpusFile('clean/php/composer.lock', JSON.stringify(composer, null, 4) + '\n', 'clean');
}

// Minified bundles: long lines of mangled identifiers, hashes and inlined assets.
for (let n = 0; n < 3; n++) {
  let js = '';
  for (let i = 0; i < 1_500; i++) {
    const id = random.chars('abcdefghijklmnopqrstuvwxyz', 1) + random.chars(ALNUM, random.int(3));
    js += random.pick([
      `var ${id}=function(e,t){return e.key===t.key&&"${random.chars(HEX, 32)}"!==e.token};`,
      `${id}.apiKey=n.apiKey||"${random.chars(ALNUM, 24)}";`,
      `const ${id}="data:image/png;base64,${random.chars(B64, 120)}";`,
      `${id}({secret:r.secret,password:o.password,token:"${random.chars(ALNUM, 20)}"});`,
      `if(!${id})throw new Error("invalid token");`,
    ]);
  }
  writeCorpusFile(`clean/web/dist-assets/app.${random.chars(HEX, 8)}.min.js`, `${js}\n//# sourceMappingURL=app.min.js.map\n`, 'clean');
}
writeCorpusFile(
  'clean/web/public/vendor.bundle.js',
  `!function(e){${Array.from({ length: 400 }, () => `e["${random.chars(ALNUM, 6)}"]="${random.chars(B64, 40)}";`).join('')}}(window);\n`,
  'clean',
);

// Base64 images and fonts inlined in CSS, SVG, HTML and markdown.
{
  const png = () => `iVBORw0KGgoAAAANSUhEUgAA${random.chars(B64, 600)}`;
  writeCorpusFile('clean/web/src/styles/icons.css', Array.from({ length: 20 }, (_, i) => `.icon-${i} { background-image: url("data:image/png;base64,${png()}"); }`).join('\n') + '\n', 'clean');
  writeCorpusFile('clean/web/public/logo.svg', `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><image href="data:image/png;base64,${png()}" width="64" height="64"/></svg>\n`, 'clean');
  writeCorpusFile('clean/docs/screenshot.md', `# Screenshot\n\n![dashboard](data:image/png;base64,${png()})\n`, 'clean');
}

// IDs that look random but are not secrets: UUIDs, git SHAs, content hashes.
{
  const uuid = () => `${random.chars(HEX, 8)}-${random.chars(HEX, 4)}-4${random.chars(HEX, 3)}-a${random.chars(HEX, 3)}-${random.chars(HEX, 12)}`;
  writeCorpusFile('clean/data/customers.csv', 'id,tenant_id,created_at,status\n' + Array.from({ length: 300 }, () => `${uuid()},${uuid()},2024-03-11T10:00:00Z,active`).join('\n') + '\n', 'clean');
  writeCorpusFile(
    'clean/data/git-log.txt',
    Array.from({ length: 200 }, () => `commit ${random.chars(HEX, 40)}\nAuthor: Dev <dev@acme-shop.net>\n\n    fix: handle token refresh\n`).join('\n'),
    'clean',
  );
  writeCorpusFile(
    'clean/data/assets-manifest.json',
    JSON.stringify(Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`chunk-${i}.js`, { hash: random.chars(HEX, 20), integrity: `sha384-${random.chars(B64, 64)}` }])), null, 2) + '\n',
    'clean',
  );
  writeCorpusFile(
    'clean/data/etags.json',
    JSON.stringify(Array.from({ length: 100 }, () => ({ etag: `"${random.chars(HEX, 32)}"`, digest: `sha256:${random.chars(HEX, 64)}`, requestId: uuid() })), null, 2) + '\n',
    'clean',
  );
}

// A binary file with a token-shaped string inside: binary files are skipped.
{
  const bytes = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
    Buffer.from(`ghp_${random.chars(ALNUM, 36)}`),
    Buffer.from(Array.from({ length: 500 }, () => random.int(256))),
  ]);
  mkdirSync(join(filesDir, 'clean/web/public'), { recursive: true });
  writeFileSync(join(filesDir, 'clean/web/public/banner.png'), bytes);
  cleanFiles.push('clean/web/public/banner.png');
  const data = Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.from(`password=${random.chars(ALNUM, 16)}\0`), Buffer.alloc(200)]);
  mkdirSync(join(filesDir, 'clean/data'), { recursive: true });
  writeFileSync(join(filesDir, 'clean/data/search.idx'), data);
  cleanFiles.push('clean/data/search.idx');
}

// ---------------------------------------------------------------------------------------------

const manifest = {
  description:
    'Planted secret corpus for the embedded secret scanner. Every value is generated (test/secrets/corpus-gen); none is a real credential.',
  root: 'files',
  allowPaths: ['allowed/**'],
  kinds: KINDS,
  secretFiles: [...secretFiles].sort(),
  cleanFiles: cleanFiles.sort(),
  expected: expected.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line)),
};
writeFileSync(join(corpusDir, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');
const byKind = Object.fromEntries(KINDS.map((k) => [k, expected.filter((e) => e.kind === k && !e.allowPathFixture && !e.inlineAllowed).length]));
console.log(
  `corpus: ${secretFiles.size} files with secrets, ${cleanFiles.length} clean files, ${expected.length} planted secrets`,
  byKind,
);
