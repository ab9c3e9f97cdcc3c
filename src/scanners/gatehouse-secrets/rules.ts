// The rule table of the embedded secret scanner. Each rule: an id, a family, a severity, the
// keywords that must occur (case-insensitive) on a line before its regular expression runs there,
// the regular expression (the secret is the named group `secret`, else `bare`, else the whole
// match), and optional checks (entropy, a validation function). See docs/secrets.md.
import type { Severity } from '../../findings/finding.js';
import { DOCS_FILE } from './prose-files.js';
import {
  charClasses,
  hasRepeatedRun,
  isCommentBefore,
  encodesPublicDer,
  isFillerValue,
  isEscapedText,
  isNameEcho,
  isPlaceholder,
  isUuid,
  looksLikeCode,
  looksLikeIdentifierName,
  looksLikeOptionList,
  looksLikePathOrUrl,
  looksLikeRegex,
  looksLikeVersion,
  nameWords,
  shannonEntropy,
  looksLikeVariableName,
  looksLikeTypeName,
} from './value-checks.js';

export const RULE_FAMILIES = [
  'private-key',
  'provider-token',
  'credential-file',
  'connection-string',
  'framework-secret',
  'password-hash',
  'generic-password',
  'generic-secret',
] as const;
export type RuleFamily = (typeof RULE_FAMILIES)[number];

/** When two rules match the same secret, the more specific family wins (lower number). */
export const FAMILY_PRIORITY: Record<RuleFamily, number> = {
  'private-key': 0,
  'provider-token': 1,
  'credential-file': 2,
  'framework-secret': 3,
  'connection-string': 4,
  'password-hash': 5,
  'generic-password': 6,
  'generic-secret': 7,
};

/** What the engine knows about the file a match is in. */
export interface FileContext {
  /** Path relative to the scanned folder, forward slashes. */
  path: string;
  /** Program source: an unquoted value is an expression, never a literal secret. */
  isCode: boolean;
}

/** A rule may report a match under a more precise id (e.g. a generic rule seeing a hex value). */
export interface RuleVariant {
  id: string;
  title?: string;
  severity?: Severity;
}

export interface CheckInput {
  secret: string;
  match: RegExpExecArray;
  /** The secret was inside quotes. */
  quoted: boolean;
  file: FileContext;
}

export interface SecretRule {
  id: string;
  family: RuleFamily;
  title: string;
  severity: Severity;
  /** Lower-case ASCII; the rule runs only on lines (or windows) holding one of them. */
  keywords: readonly string[];
  /** Compiled by the engine with the flags g and d added (keep i, s if you need them). */
  pattern: RegExp;
  /** Only files whose path (relative, forward slashes) matches. */
  paths?: RegExp;
  /** Cheap precondition: the line (or window) holds at least one of these, else the regex is skipped. */
  lineMustInclude?: readonly string[];
  /** Multi-line secrets: search this many characters from the keyword's line start. */
  window?: number;
  /** Minimum Shannon entropy (bits per character) of the secret. */
  minEntropy?: number;
  /** Minimum length of the secret. */
  minLength?: number;
  /** A provider-documented fixed shape: still runs in minified assets and lockfiles. */
  strongShape?: boolean;
  /** Turns a match into the secret to hash (e.g. a PEM body without line breaks). */
  normalize?: (secret: string) => string;
  /** Overrides the family's priority when two rules match the same span (lower wins). */
  priority?: number;
  /** Final say: false drops the match; a variant reports it under another id. */
  check?: (input: CheckInput) => boolean | RuleVariant;
}

// ---------------------------------------------------------------------------------------------
// Helpers to write the provider rules compactly.

const B = String.raw`(?<![A-Za-z0-9_])`; // left boundary of a token
const E = String.raw`(?![A-Za-z0-9_])`; // right boundary

function token(
  id: string,
  title: string,
  body: string,
  keywords: string[],
  opts: Partial<SecretRule> & { flags?: string } = {},
): SecretRule {
  const { flags, ...rest } = opts;
  return {
    id,
    family: 'provider-token',
    title,
    severity: 'high',
    keywords,
    pattern: new RegExp(`${B}(?<secret>${body})${E}`, flags ?? ''),
    strongShape: true,
    ...rest,
  };
}

/** `NAME = value` with a name matching `nameWord`: the shape of the keyword-anchored rules. */
function keyedValue(nameWord: string, value: string): RegExp {
  return new RegExp(
    String.raw`${nameWord}["'\x60]?\]?\s*(?::=|=>|=(?!=)|:)\s*["'\x60]?(?<secret>${value})(?![A-Za-z0-9/+_=-])`,
    'i',
  );
}

const isBase64Ascii = (s: string) => /^[A-Za-z0-9+/]+={0,2}$/.test(s);

function decodeBase64(s: string): string {
  return Buffer.from(s, 'base64').toString('latin1');
}

// ---------------------------------------------------------------------------------------------
// Private keys

/** A PEM/PGP/SSH2 body without headers, quotes, escaped newlines or line breaks. */
function normalizeKeyBody(block: string): string {
  return block
    .replace(/\\[rn]/g, '\n')
    .split(/\r?\n/)
    .filter((line) => !line.includes(':')) // Proc-Type:, DEK-Info:, Version:, Comment:
    .join('')
    .replace(/[^A-Za-z0-9+/=]/g, '');
}

const keyBodyLooksReal = ({ secret }: CheckInput) => {
  const body = normalizeKeyBody(secret);
  return body.length >= 64 && !isPlaceholder(body) && shannonEntropy(body) >= 4.2;
};

const PRIVATE_KEY_RULES: SecretRule[] = [
  {
    id: 'private-key-pem',
    family: 'private-key',
    title: 'Private key (PEM, OpenSSH or PGP block)',
    severity: 'critical',
    keywords: ['-----begin'],
    // RSA, EC, DSA, PKCS#8, ENCRYPTED PKCS#8, OPENSSH, PGP ... PRIVATE KEY [BLOCK]; also inside a
    // JSON string with \n escapes or a concatenated string literal. The backslash is only allowed
    // as part of an escape: were it also in the character class, an unterminated block would make
    // the expression backtrack exponentially.
    pattern:
      /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?<secret>(?:\\[rnt]|[A-Za-z0-9+/=\s"',:.-]){64,}?)-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/,
    window: 20_000,
    strongShape: true,
    normalize: normalizeKeyBody,
    check: keyBodyLooksReal,
  },
  {
    id: 'private-key-ssh2',
    family: 'private-key',
    title: 'Private key (SSH2 / ssh.com format)',
    severity: 'critical',
    keywords: ['begin ssh2'],
    pattern:
      /---- BEGIN SSH2 (?:ENCRYPTED )?PRIVATE KEY ----(?<secret>[A-Za-z0-9+/=\s"':\\,.-]{64,}?)---- END SSH2 (?:ENCRYPTED )?PRIVATE KEY ----/,
    window: 20_000,
    strongShape: true,
    normalize: normalizeKeyBody,
    check: keyBodyLooksReal,
  },
  {
    id: 'private-key-putty',
    family: 'private-key',
    title: 'Private key (PuTTY .ppk)',
    severity: 'critical',
    keywords: ['putty-user-key-file'],
    pattern: /PuTTY-User-Key-File-\d+: [^\r\n]+[\s\S]{0,4000}?Private-Lines: \d+\r?\n(?<secret>(?:[A-Za-z0-9+/=]+\r?\n){1,60})/,
    window: 12_000,
    strongShape: true,
    normalize: normalizeKeyBody,
    check: ({ secret }) => normalizeKeyBody(secret).length >= 40 && !isPlaceholder(normalizeKeyBody(secret)),
  },
  {
    id: 'private-key-base64-pem',
    family: 'private-key',
    title: 'Private key (base64-encoded PEM, e.g. kubeconfig client-key-data)',
    severity: 'critical',
    keywords: ['ls0tls1crudjtib'],
    pattern: /(?<secret>LS0tLS1CRUdJTi[A-Za-z0-9+/]{100,}={0,2})/,
    strongShape: true,
    check: ({ secret }) => /PRIVATE KEY/.test(decodeBase64(secret.slice(0, 80))),
  },
];

// ---------------------------------------------------------------------------------------------
// Provider tokens with documented shapes (cloud, VCS, CI, chat, payment, package registries, ...)

const PROVIDER_RULES: SecretRule[] = [
  // Cloud
  token('aws-access-key-id', 'AWS access key id', '(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}', ['akia', 'asia', 'abia', 'acca', 'a3t'], {
    severity: 'critical',
  }),
  {
    id: 'aws-secret-access-key',
    family: 'provider-token',
    title: 'AWS secret access key',
    severity: 'critical',
    keywords: ['secret_access_key', 'secretaccesskey', 'secret-access-key', 'aws_secret', 'awssecret'],
    pattern: keyedValue(String.raw`(?:aws)?_?(?:secret_?access_?key|secret-access-key|SecretAccessKey|aws_?secret(?:_?key)?)`, '[A-Za-z0-9/+]{40}'),
    minEntropy: 3.8,
    check: ({ secret }) => !isPlaceholder(secret),
  },
  token('gcp-api-key', 'Google API key', 'AIza[0-9A-Za-z_-]{35}', ['aiza']),
  token('gcp-oauth-client-secret', 'Google OAuth client secret', 'GOCSPX-[A-Za-z0-9_-]{28}', ['gocspx-']),
  // Not inside a base64 run (`…AAAAv/1//0FQg…/…`: a font embedded in an SVG, appwrite/appwrite): `/` and `+` are its letters.
  token('gcp-oauth-refresh-token', 'Google OAuth refresh token', '1//0[A-Za-z0-9_-]{40,}', ['1//0'], {
    pattern: /(?<![A-Za-z0-9_+/])(?<secret>1\/\/0[A-Za-z0-9_-]{40,})(?![A-Za-z0-9_+/=-])/,
  }),
  token('azure-storage-account-key', 'Azure storage account key', '[A-Za-z0-9+/]{86}==', ['accountkey', 'account_key', 'storage_key', 'storagekey'], {
    severity: 'critical',
    pattern: /AccountKey\s*=\s*(?<secret>[A-Za-z0-9+/]{86}==)|(?:account|storage)_?key["']?\s*[:=]\s*["']?(?<bare>[A-Za-z0-9+/]{86}==)/i,
  }),
  token('azure-sas-token', 'Azure shared access signature', 'sig=[A-Za-z0-9%+/]{40,}', ['sig='], {
    pattern: /[?&;]sv=\d{4}-\d\d-\d\d[^\s"'<]*?[&;]sig=(?<secret>[A-Za-z0-9%+/]{40,}(?:%3D|=)*)/i,
  }),
  token('azure-ad-client-secret', 'Azure AD (Entra ID) client secret', String.raw`[a-zA-Z0-9_~.]{3}\dQ~[a-zA-Z0-9_~.-]{31,34}`, ['q~']),
  token('digitalocean-token', 'DigitalOcean token', 'do[por]_v1_[a-f0-9]{64}', ['dop_v1_', 'doo_v1_', 'dor_v1_']),
  token('alibaba-access-key-id', 'Alibaba Cloud access key id', 'LTAI[A-Za-z0-9]{20}', ['ltai']),
  token('heroku-api-key', 'Heroku API key', 'HRKU-[A-Za-z0-9_-]{60}', ['hrku-']),
  token('vault-token', 'HashiCorp Vault token', String.raw`hv[sb]\.[A-Za-z0-9_-]{90,120}`, ['hvs.', 'hvb.']),
  token('terraform-cloud-token', 'Terraform Cloud / Enterprise token', String.raw`[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70}`, ['atlasv1']),
  token('doppler-token', 'Doppler token', String.raw`dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44}`, ['dp.pt.', 'dp.st.', 'dp.sa.', 'dp.ct.']),
  token('pulumi-token', 'Pulumi access token', 'pul-[a-f0-9]{40}', ['pul-']),
  token('flyio-token', 'Fly.io token', String.raw`fo1_[\w-]{43}`, ['fo1_']),
  token('netlify-token', 'Netlify personal access token', 'nfp_[A-Za-z0-9]{36}', ['nfp_']),
  // VCS
  token('github-pat', 'GitHub personal access token', 'ghp_[A-Za-z0-9]{36}', ['ghp_']),
  token('github-fine-grained-pat', 'GitHub fine-grained personal access token', 'github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}', ['github_pat_']),
  token('github-oauth-token', 'GitHub OAuth token', 'gho_[A-Za-z0-9]{36}', ['gho_']),
  token('github-app-token', 'GitHub App token', 'gh[us]_[A-Za-z0-9]{36}', ['ghu_', 'ghs_']),
  token('github-refresh-token', 'GitHub refresh token', 'ghr_[A-Za-z0-9]{36,76}', ['ghr_']),
  token('gitlab-pat', 'GitLab personal access token', 'glpat-[A-Za-z0-9_-]{20,}', ['glpat-']),
  token('gitlab-runner-token', 'GitLab runner token', '(?:glrt-[A-Za-z0-9_-]{20,}|GR1348941[A-Za-z0-9_-]{20})', ['glrt-', 'gr1348941']),
  token('gitlab-pipeline-trigger-token', 'GitLab pipeline trigger token', 'glptt-[a-f0-9]{40}', ['glptt-']),
  token('gitlab-deploy-token', 'GitLab deploy token', 'gldt-[A-Za-z0-9_-]{20,}', ['gldt-']),
  token('bitbucket-app-password', 'Bitbucket app password', 'ATBB[A-Za-z0-9_=.-]{32}', ['atbb']),
  token('atlassian-api-token', 'Atlassian API token', 'ATATT3[A-Za-z0-9_=-]{180,200}', ['atatt3']),
  // CI / developer platforms
  token('circleci-token', 'CircleCI personal token', 'CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40}', ['ccipat_']),
  token('buildkite-token', 'Buildkite API token', 'bkua_[a-f0-9]{40}', ['bkua_']),
  token('sonarqube-token', 'SonarQube token', 'sq[pua]_[a-f0-9]{40}', ['sqp_', 'squ_', 'sqa_']),
  token('octopus-deploy-api-key', 'Octopus Deploy API key', 'API-[A-Z0-9]{26}', ['api-']),
  token('jfrog-api-key', 'JFrog Artifactory API key', 'AKCp[A-Za-z0-9]{69}', ['akcp']),
  token('grafana-service-account-token', 'Grafana service account token', 'glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}', ['glsa_']),
  token('grafana-cloud-token', 'Grafana Cloud token', 'glc_[A-Za-z0-9+/]{32,400}={0,2}', ['glc_']),
  token('sentry-token', 'Sentry auth token', '(?:sntryu_[a-f0-9]{64}|sntrys_eyJ[A-Za-z0-9+/=_-]{80,})', ['sntryu_', 'sntrys_']),
  token('new-relic-key', 'New Relic key', '(?:NRAK-[A-Z0-9]{27}|NRII-[A-Za-z0-9_-]{32})', ['nrak-', 'nrii-']),
  token('linear-api-key', 'Linear API key', 'lin_api_[A-Za-z0-9]{40}', ['lin_api_']),
  token('postman-api-key', 'Postman API key', 'PMAK-[a-f0-9]{24}-[a-f0-9]{34}', ['pmak-']),
  token('notion-token', 'Notion integration token', 'ntn_[0-9]{11}[A-Za-z0-9]{35}', ['ntn_']),
  token('huggingface-token', 'Hugging Face token', 'hf_[A-Za-z]{34}', ['hf_']),
  token(
    'openai-api-key',
    'OpenAI API key',
    '(?:sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})',
    ['t3blbkfj'],
  ),
  token('anthropic-api-key', 'Anthropic API key', 'sk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{93}AA', ['sk-ant-']),
  token('age-secret-key', 'age encryption secret key', 'AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}', ['age-secret-key-1'], {
    severity: 'critical',
  }),
  token('shopify-token', 'Shopify access token or shared secret', 'shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}', ['shpat_', 'shpca_', 'shppa_', 'shpss_']),
  token('databricks-token', 'Databricks token', 'dapi[a-f0-9]{32}(?:-\\d)?', ['dapi']),
  // Chat and messaging
  token('slack-token', 'Slack token', 'xox[abposr]-(?:\\d+-)+[A-Za-z0-9-]{10,}', ['xoxb-', 'xoxa-', 'xoxp-', 'xoxo-', 'xoxs-', 'xoxr-']),
  token('slack-app-token', 'Slack app-level token', 'xapp-\\d-[A-Z0-9]+-\\d+-[a-z0-9]{64}', ['xapp-']),
  token(
    'slack-webhook-url',
    'Slack incoming webhook URL',
    'https://hooks\\.slack\\.com/(?:services|workflows)/[A-Za-z0-9+/]{43,56}',
    ['hooks.slack.com'],
  ),
  token('discord-webhook-url', 'Discord webhook URL', 'https://(?:ptb\\.|canary\\.)?discord(?:app)?\\.com/api/webhooks/\\d{17,20}/[\\w-]{60,70}', [
    'discord',
  ]),
  token('discord-bot-token', 'Discord bot token', '[MNO][A-Za-z\\d_-]{23,25}\\.[\\w-]{6}\\.[\\w-]{27,38}', ['discord'], { strongShape: false }),
  token('teams-webhook-url', 'Microsoft Teams webhook URL', 'https://[a-z0-9-]+\\.webhook\\.office\\.com/webhookb2/[a-z0-9@/-]{60,}/IncomingWebhook/[A-Za-z0-9]{32}/[a-z0-9-]{36}(?:/[A-Za-z0-9_-]+)?', [
    'webhook.office.com',
  ]),
  token('telegram-bot-token', 'Telegram bot token', '\\d{8,10}:AA[0-9A-Za-z_-]{33}', [':aa']),
  token('twilio-api-key', 'Twilio API key', 'SK[0-9a-fA-F]{32}', ['twilio']),
  token('sendgrid-api-key', 'SendGrid API key', 'SG\\.[\\w-]{22}\\.[\\w-]{43}', ['sg.']),
  token('mailgun-api-key', 'Mailgun API key', 'key-[0-9a-f]{32}', ['key-']),
  token('mailchimp-api-key', 'Mailchimp API key', '[0-9a-f]{32}-us\\d{1,2}', ['-us']),
  // Payment
  token('stripe-secret-key', 'Stripe (or Stripe-style) live secret key', '(?:sk|rk)_live_[A-Za-z0-9]{24,99}', ['sk_live_', 'rk_live_'], {
    severity: 'critical',
  }),
  token('stripe-test-secret-key', 'Stripe test-mode secret key', '(?:sk|rk)_test_[A-Za-z0-9]{24,99}', ['sk_test_', 'rk_test_'], {
    severity: 'medium',
  }),
  token('stripe-webhook-secret', 'Stripe webhook signing secret', 'whsec_[A-Za-z0-9]{32,}', ['whsec_']),
  token('square-token', 'Square access token or secret', '(?:EAAA[A-Za-z0-9_-]{60}|sq0csp-[0-9A-Za-z_-]{43}|sq0atp-[0-9A-Za-z_-]{22})', [
    'eaaa',
    'sq0csp-',
    'sq0atp-',
  ]),
  token('braintree-access-token', 'Braintree / PayPal access token', 'access_token\\$production\\$[0-9a-z]{16}\\$[0-9a-f]{32}', ['access_token$']),
  token('plaid-access-token', 'Plaid access token', 'access-(?:sandbox|development|production)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', [
    'access-production-',
    'access-development-',
    'access-sandbox-',
  ]),
  token('flutterwave-secret-key', 'Flutterwave secret key', 'FLWSECK(?:_TEST)?-[a-f0-9]{32}-X', ['flwseck']),
  // Package registries
  token('npm-access-token', 'npm access token', 'npm_[A-Za-z0-9]{36}', ['npm_']),
  token('pypi-upload-token', 'PyPI upload token', 'pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}', ['pypi-ageichlwas5vcmc']),
  token('rubygems-api-key', 'RubyGems API key', 'rubygems_[a-f0-9]{48}', ['rubygems_']),
  token('nuget-api-key', 'NuGet API key', 'oy2[a-z0-9]{43}', ['oy2']),
  token('dockerhub-pat', 'Docker Hub personal access token', 'dckr_pat_[A-Za-z0-9_-]{27}', ['dckr_pat_']),
  token('crates-io-token', 'crates.io API token', 'cio[A-Za-z0-9]{32}', ['cio']),
  token('clojars-token', 'Clojars deploy token', 'CLOJARS_[a-z0-9]{60}', ['clojars_']),
  // More documented prefixes (the formats public rule sets such as gitleaks' list)
  token('gitlab-other-token', 'GitLab token (CI build, feed, OAuth app, SCIM, agent, incoming mail)', 'gl(?:cbt|ffct|oas|soat|agent|imt|ft)-[A-Za-z0-9_-]{20,}', [
    'glcbt-',
    'glffct-',
    'gloas-',
    'glsoat-',
    'glagent-',
    'glimt-',
    'glft-',
  ]),
  token('slack-config-token', 'Slack configuration token', 'xoxe(?:\\.xox[bp])?-\\d-[A-Z0-9]{140,}', ['xoxe']),
  token('dynatrace-token', 'Dynatrace API token', 'dt0c01\\.[A-Z0-9]{24}\\.[A-Z0-9]{64}', ['dt0c01.']),
  token('planetscale-token', 'PlanetScale password or token', 'pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.-]{32,64}', ['pscale_']),
  token('prefect-api-key', 'Prefect API key', 'pnu_[A-Za-z0-9]{36}', ['pnu_']),
  token('readme-api-key', 'ReadMe API key', 'rdme_[a-z0-9]{70}', ['rdme_']),
  token('sendinblue-api-key', 'Brevo (Sendinblue) API key', 'xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}', ['xkeysib-']),
  token('shippo-api-token', 'Shippo API token', 'shippo_(?:live|test)_[a-f0-9]{40}', ['shippo_']),
  token('typeform-token', 'Typeform personal token', 'tfp_[A-Za-z0-9_.=-]{59}', ['tfp_']),
  token('mapbox-secret-token', 'Mapbox secret token', 'sk\\.eyJ[A-Za-z0-9_-]{50,}\\.[A-Za-z0-9_-]{20,}', ['sk.eyj']),
  token('openshift-token', 'OpenShift user token', 'sha256~[A-Za-z0-9_-]{43}', ['sha256~']),
  token('easypost-api-key', 'EasyPost API key', 'EZ[AT]K[A-Za-z0-9]{54}', ['ezak', 'eztk']),
  token('duffel-token', 'Duffel API token', 'duffel_(?:test|live)_[A-Za-z0-9_=-]{43}', ['duffel_']),
  token('frameio-token', 'Frame.io API token', 'fio-u-[A-Za-z0-9_=-]{64}', ['fio-u-']),
  token('infracost-api-key', 'Infracost API key', 'ico-[A-Za-z0-9]{32}', ['ico-']),
  token('scalingo-token', 'Scalingo API token', 'tk-us-[A-Za-z0-9_-]{48}', ['tk-us-']),
  token('harness-pat', 'Harness personal access token', 'pat\\.[A-Za-z0-9_-]{22}\\.[a-z0-9]{24}\\.[A-Za-z0-9]{20}', ['pat.']),
  token('dropbox-token', 'Dropbox short-lived access token', 'sl\\.[A-Za-z0-9_-]{130,140}', ['sl.']),
  token('onepassword-service-token', '1Password service account token', 'ops_eyJ[A-Za-z0-9+/]{250,}={0,3}', ['ops_eyj'], { severity: 'critical' }),
  token('supabase-token', 'Supabase personal access token', 'sbp_[a-f0-9]{40}', ['sbp_']),
  token('new-relic-browser-key', 'New Relic browser API key', 'NRJS-[a-f0-9]{19}', ['nrjs-']),
  token('artifactory-reference-token', 'JFrog Artifactory reference token', 'cmVmdGtu[A-Za-z0-9]{56}', ['cmvmdgtu']),
  token('cloudflare-origin-ca-key', 'Cloudflare Origin CA key', 'v1\\.0-[a-f0-9]{24}-[a-f0-9]{146}', ['v1.0-']),
  token('facebook-access-token', 'Facebook / Meta access token', 'EAA[MC][A-Za-z0-9]{100,}', ['eaam', 'eaac']),
  // Generic bearer material with a fixed shape
  token('jwt', 'JSON Web Token', 'eyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{16,}', ['eyj'], {
    severity: 'medium',
    // The jwt.io sample token is in half the documentation of the world.
    check: ({ secret }) => !secret.includes('SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'),
  }),
];

// ---------------------------------------------------------------------------------------------
// Developer-tool credential files

const CREDENTIAL_FILE_RULES: SecretRule[] = [
  {
    id: 'npmrc-auth',
    family: 'credential-file',
    title: 'npm registry credential (.npmrc _authToken/_auth/_password)',
    severity: 'high',
    keywords: ['_authtoken', '_auth', '_password'],
    pattern: /(?:^|[\s:])(?:_authToken|_auth|_password)\s*=\s*["']?(?<secret>[^\s"']+)/,
    minLength: 8,
    // npm expands only `${VAR}`: `$NPM_TOKEN` is a reference, `$ecret-token-1` a literal. In program
    // source `_password = password;` and `_password = configSection["Password"];` assign a field (C#'s
    // private `_password`, EdwinVW/pitstop): a value that is a statement's expression is none.
    check: ({ secret, file }) =>
      !(isProgramSource(file) && (/[;[(]/.test(secret) || looksLikeCode(secret))) &&
      (secret.startsWith('$') && !secret.startsWith('${') ? !/^\$[A-Za-z_]\w*$/.test(secret) && !isFillerValue(secret) : !isPlaceholder(secret)),
  },
  {
    id: 'yarnrc-auth',
    family: 'credential-file',
    title: 'Yarn registry credential (.yarnrc.yml npmAuthToken/npmAuthIdent)',
    severity: 'high',
    keywords: ['npmauthtoken', 'npmauthident'],
    // npmAuthIdent is "user:password": the secret is the password.
    pattern: /npmAuthToken["']?\s*:\s*["']?(?<secret>[^\s"']+)|npmAuthIdent["']?\s*:\s*["']?[^:\s"']+:(?<bare>[^\s"']+)/,
    minLength: 8,
    check: ({ secret }) => !isPlaceholder(secret),
  },
  {
    id: 'docker-config-auth',
    family: 'credential-file',
    title: 'Container registry credential (docker config.json auths)',
    severity: 'high',
    keywords: ['"auth"', '"identitytoken"', '"registrytoken"'],
    pattern: /"(?:auth|identitytoken|registrytoken)"\s*:\s*"(?<secret>[A-Za-z0-9+/=._-]{12,})"/,
    check: ({ secret, match }) => {
      if (isPlaceholder(secret)) return false;
      if (!match[0].startsWith('"auth"')) return shannonEntropy(secret) >= 3.5;
      return isBase64Ascii(secret) && /^[^:\s]{1,128}:[^\s]{4,}$/.test(decodeBase64(secret));
    },
  },
  {
    id: 'netrc-password',
    family: 'credential-file',
    title: 'netrc credential (machine/login/password)',
    severity: 'high',
    keywords: ['machine', 'password'],
    // Inside a string literal, `\n` ends the value (`"machine h login u password p\ndefault\n"`).
    pattern: /(?:\bmachine\s+\S+\s+(?:login\s+\S+\s+)?password\s+|^\s*password\s+)(?<secret>(?:[^\s"'\\]|\\(?![nrt"'\\]))+)/,
    check: ({ secret, match, file }) =>
      (match[0].trimStart().startsWith('machine') || /(?:^|\/)[._]?netrc$/.test(file.path)) && !isPlaceholder(secret) && secret.length >= 4,
  },
  {
    id: 'pgpass-password',
    family: 'credential-file',
    title: 'PostgreSQL password file entry (.pgpass)',
    severity: 'high',
    keywords: [],
    paths: /(?:^|\/)(?:\.pgpass|pgpass\.conf)$/,
    pattern: /^[^:#\s][^:\r\n]*:(?:\d+|\*):[^:\r\n]*:[^:\r\n]*:(?<secret>[^\r\n]+)\r?$/m,
    check: ({ secret }) => !isPlaceholder(secret) && secret.length >= 4,
  },
  {
    id: 'filezilla-password',
    family: 'credential-file',
    title: 'FileZilla saved password',
    severity: 'high',
    keywords: ['<pass'],
    pattern: /<Pass(?: encoding="base64")?>(?<secret>[^<\s]{4,})<\/Pass>/,
    check: ({ secret }) => !isPlaceholder(secret),
  },
  {
    id: 'xml-credential-element',
    family: 'credential-file',
    title: 'Credential in an XML element (Maven settings, IDE and tool configs)',
    severity: 'high',
    keywords: ['<password', '<passwd', '<secret', '<token', '<apikey', '<api-key', '<passphrase', '<privatetoken'],
    pattern:
      /<(?<tag>password|passwd|secret|token|apiKey|api-key|passphrase|privateToken|clientSecret)>(?<secret>[^<\s]{4,})<\/\k<tag>>/i,
    check: ({ secret }) => !isPlaceholder(secret) && !/^\{[A-Za-z0-9+/=]+\}$/.test(secret) && passwordValueOk(secret),
  },
  {
    id: 'xml-credential-attribute',
    family: 'credential-file',
    title: 'Credential in an XML key/value attribute (NuGet.config, JetBrains, .NET settings)',
    severity: 'high',
    keywords: ['password', 'secret', 'token', 'apikey'],
    lineMustInclude: ['value="'],
    pattern:
      /(?:key|name)="(?<name>[^"]*(?:password|passwd|secret|token|apikey)[^"]*)"\s+value="(?<secret>[^"]{4,})"/i,
    check: ({ secret, match }) => {
      const kind = classifySecretName(match.groups?.name ?? '');
      return kind !== undefined && !isPlaceholder(secret) && (kind === 'password' ? passwordValueOk(secret) : secretValueOk(secret, kind));
    },
  },
  {
    id: 'xml-named-value',
    family: 'credential-file',
    title: 'Credential in a named XML value (Android resources, .resx, IDE settings)',
    severity: 'high',
    keywords: ['password', 'secret', 'token', 'key'],
    lineMustInclude: ['name="'],
    pattern: /name="(?<name>[^"]*(?:password|passwd|secret|token|key)[^"]*)"[^>]*>(?<secret>[^<\s]{8,})</i,
    check: ({ secret, match }) => {
      const kind = classifySecretName(match.groups?.name ?? '');
      return kind !== undefined && (kind === 'password' ? passwordValueOk(secret) : secretValueOk(secret, kind));
    },
  },
  {
    id: 'kubeconfig-client-key-data',
    family: 'credential-file',
    title: 'Kubernetes client key or token in a kubeconfig',
    severity: 'critical',
    keywords: ['client-key-data'],
    pattern: /client-key-data:\s*["']?(?<secret>[A-Za-z0-9+/]{64,}={0,2})/,
  },
  {
    id: 'curl-basic-auth',
    family: 'credential-file',
    title: 'Credential in a curl command line (-u user:password)',
    severity: 'high',
    keywords: ['curl'],
    pattern: /\bcurl\b[^\r\n]*?\s(?:-u|--user|--proxy-user)\s*["']?[^:\s"']+:(?<secret>[^\s"'\x60();|&\\]{4,})/,
    check: ({ secret }) => !isPlaceholder(secret),
  },
];

// ---------------------------------------------------------------------------------------------
// Framework settings and connection strings

const FRAMEWORK_RULES: SecretRule[] = [
  {
    id: 'django-secret-key',
    family: 'framework-secret',
    title: 'Django/Flask SECRET_KEY',
    severity: 'high',
    keywords: ['secret_key'],
    pattern: /\bSECRET_KEY["']?\]?\s*[:=]\s*(?:[rbu]?["'](?<secret>[^"'\s]{16,})["']|(?<bare>[^\s"'#]{16,}))/,
    minEntropy: 3.2,
    check: ({ secret, quoted, file }) => (quoted || !file.isCode) && !isPlaceholder(secret) && !looksLikePathOrUrl(secret),
  },
  {
    id: 'rails-secret-key-base',
    family: 'framework-secret',
    title: 'Rails secret_key_base',
    severity: 'high',
    keywords: ['secret_key_base'],
    pattern: /secret_key_base["']?\s*[:=]\s*["']?(?<secret>[a-f0-9]{64,})/i,
    minEntropy: 3.0,
  },
  {
    id: 'rails-master-key',
    family: 'framework-secret',
    title: 'Rails master key (config/master.key or credentials/*.key)',
    severity: 'critical',
    keywords: [],
    paths: /(?:^|\/)config\/(?:master\.key|credentials\/[\w-]+\.key)$/,
    pattern: /^(?<secret>[a-f0-9]{32})\s*$/,
  },
  {
    // WordPress wp-config.php and other PHP: define('DB_PASSWORD', '...'), define('AUTH_KEY', '...').
    id: 'php-define-secret',
    family: 'framework-secret',
    title: 'Secret in a PHP define() (wp-config.php)',
    severity: 'high',
    keywords: ['define'],
    // Also `define('X', 'v', true)` and a literal fallback: `define('X', getenv('X') ?: 'v')`.
    pattern: /\bdefine\(\s*['"](?<name>\w+)['"]\s*,\s*(?:[^;'"\r\n]*(?:\([^;\r\n]*?\))?[^;'"\r\n]*?(?:\?:?|:)\s*)?['"](?<secret>[^'"\r\n]{4,})['"]\s*(?:,\s*(?:true|false))?\s*\)/i,
    check: ({ secret, match }) => {
      const kind = classifySecretName(match.groups?.name ?? '');
      if (kind === undefined) return false;
      return kind === 'password' ? passwordValueOk(secret) : secretValueOk(secret, kind) || (kind === 'secret' && secret.length >= 32 && !isPlaceholder(secret) && !/\s/.test(secret));
    },
  },
  {
    id: 'laravel-app-key',
    family: 'framework-secret',
    title: 'Laravel APP_KEY',
    severity: 'high',
    keywords: ['app_key'],
    pattern: /\bAPP_KEY\s*=\s*["']?base64:(?<secret>[A-Za-z0-9+/]{43}=)/,
  },
  {
    id: 'connection-string-password',
    family: 'connection-string',
    title: 'Password in a connection string (ADO.NET, JDBC, ODBC)',
    severity: 'high',
    keywords: ['password=', 'pwd=', 'password =', 'pwd ='],
    lineMustInclude: [';', '&'],
    pattern: /(?:^|[;?&"'\s(])(?:Password|Pwd)\s*=\s*(?<secret>[^;&"'\s<>]{4,})(?=[;&"'\s<>]|$)/i,
    check: ({ secret, match, file }) =>
      // Only in a connection-string shaped context: other key=value pairs separated by ; or &.
      /(?:server|data source|host|user id|uid|user|database|initial catalog|jdbc:|driver)\s*=|jdbc:|[?&]user=/i.test(match.input) &&
      // In program source `new ConnectionFactory() { HostName = _host, Password = _password, Port = _port }`
      // assigns properties (EdwinVW/pitstop): the value ends at the expression, before its comma.
      !isPlaceholder(secret) &&
      passwordValueOk(isProgramSource(file) ? secret.replace(/[,)}\]]+$/, '') : secret),
  },
  {
    id: 'url-credentials',
    family: 'connection-string',
    title: 'Password in a URL (scheme://user:password@host)',
    severity: 'high',
    keywords: ['://'],
    lineMustInclude: ['@'],
    pattern:
      /\b[a-zA-Z][a-zA-Z0-9+.-]{1,20}:\/\/(?<user>[^\s:/@'"`<>()]{0,64}):(?<secret>[^\s/@'"`<>(){}]{3,128})@(?<host>[a-zA-Z0-9_-]+(?:\.[a-zA-Z0-9_-]+)*|\[[0-9a-fA-F:]+\])/,
    strongShape: true,
    check: ({ secret, match }) => {
      if (secret.length < 4 || isPlaceholder(secret) || isNameEcho(secret) || /^\*+$|^%[sv]$|^\$|\\/.test(secret)) return false;
      // A variable's name where the password goes (`sentry://PROJECT_ID:SENTRY_API_KEY@SENTRY_HOST/`: appwrite's docs of a DSN).
      if (looksLikeVariableName(secret)) return false;
      if (/(?:^|\.)example\.(?:com|org|net)$|\.example$|\.invalid$|\.test$/i.test(match.groups?.host ?? '')) return false;
      const user = (match.groups?.user ?? '').toLowerCase();
      if (user.includes('$') || user.includes('{')) return false;
      // user:password@ where the password spells "password", "pass", "pw" and similar, percent-encoded
      // or after an article too (`jo%40email.com:a%20secret@`: a docstring of encode/httpx).
      const spelled = percentDecoded(secret).replace(/^(?:a|an|the|my|your|some)\s+/i, '');
      return !/^(?:pass(?:word|wd)?|pwd|pw|secret|token)$/i.test(spelled);
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Password hashes (shadow, htpasswd, SQL dumps)

const hash = (id: string, title: string, body: string, keywords: string[]): SecretRule => ({
  id,
  family: 'password-hash',
  title,
  severity: 'medium',
  keywords,
  pattern: new RegExp(`(?<![A-Za-z0-9./$])(?<secret>${body})(?![A-Za-z0-9./])`),
  strongShape: true,
  // A hash in a comment documents a format (`# => "$2a$04$…"`): still reported, at low severity.
  check: ({ secret, match }) => {
    if (isFillerValue(secret)) return false;
    return isCommentBefore(match.input, secretOffset(match)) ? { id, severity: 'low' } : true;
  },
});

const PASSWORD_HASH_RULES: SecretRule[] = [
  hash('bcrypt-hash', 'bcrypt password hash', '\\$2[abxy]?\\$\\d\\d\\$[./A-Za-z0-9]{53}', ['$2a$', '$2b$', '$2y$', '$2x$']),
  hash('sha512-crypt-hash', 'SHA-512 crypt password hash', '\\$6\\$(?:rounds=\\d+\\$)?[./A-Za-z0-9]{1,16}\\$[./A-Za-z0-9]{86}', ['$6$']),
  hash('sha256-crypt-hash', 'SHA-256 crypt password hash', '\\$5\\$(?:rounds=\\d+\\$)?[./A-Za-z0-9]{1,16}\\$[./A-Za-z0-9]{43}', ['$5$']),
  hash('md5-crypt-hash', 'MD5 crypt / Apache apr1 password hash', '\\$(?:1|apr1)\\$[./A-Za-z0-9]{1,8}\\$[./A-Za-z0-9]{22}', ['$1$', '$apr1$']),
  hash('yescrypt-hash', 'yescrypt password hash', '\\$y\\$[./A-Za-z0-9]{1,12}\\$[./A-Za-z0-9]{1,86}\\$[./A-Za-z0-9]{43}', ['$y$']),
  hash(
    'argon2-hash',
    'Argon2 password hash',
    '\\$argon2(?:id|i|d)\\$v=\\d+\\$m=\\d+,t=\\d+,p=\\d+\\$[A-Za-z0-9+/]{16,}\\$[A-Za-z0-9+/]{32,}',
    ['$argon2'],
  ),
  hash('pbkdf2-hash', 'PBKDF2 password hash (Django, Werkzeug)', '(?:pbkdf2_sha(?:256|1)\\$\\d+\\$[A-Za-z0-9]+\\$[A-Za-z0-9+/]{27,}={0,2}|pbkdf2:sha256:\\d+\\$[A-Za-z0-9]+\\$[a-f0-9]{64})', [
    'pbkdf2',
  ]),
  hash('htpasswd-sha1-hash', 'htpasswd SHA-1 password hash', '\\{SHA\\}[A-Za-z0-9+/]{27}=', ['{sha}']),
  hash('postgres-scram-hash', 'PostgreSQL SCRAM-SHA-256 password hash', 'SCRAM-SHA-256\\$\\d+:[A-Za-z0-9+/]{20,}={0,2}\\$[A-Za-z0-9+/]{40,}={0,2}:[A-Za-z0-9+/]{40,}={0,2}', [
    'scram-sha-256$',
  ]),
  {
    ...hash('mysql-native-hash', 'MySQL native password hash', '\\*[0-9A-F]{40}', ['identified', 'authentication_string', 'password(']),
    check: undefined,
    pattern: /(?:IDENTIFIED (?:WITH mysql_native_password )?(?:BY|AS) (?:PASSWORD )?|authentication_string\W+|,\s*)'(?<secret>\*[0-9A-F]{40})'/i,
  },
];

// ---------------------------------------------------------------------------------------------
// Generic assignments: NAME = value where the name says password/secret/token/key.

export type SecretNameKind = 'password' | 'secret' | 'weak-key';

// A word after the secret word that makes the name about something else (password_reset_url).
const NOT_SECRET_AFTER = new Set(
  (
    'url uri endpoint host hostname file filename path dir name names user username length len size min max count type types ' +
    'header headers field fields param params prefix suffix policy policies expiry expires expiration expired ttl timeout format mode ' +
    'enabled enable disabled required hash hashed hasher label placeholder hint pattern regex regexp validator validation rule rules ' +
    'strength reset forgot confirm confirmation input form column env var vars variable id ids version algorithm alg rotation store ' +
    'provider manager prompt message msg error errors text title description schema kind ref reference index location secret_name ' +
    'arn key_id keyid fingerprint lifetime age duration interval limit retries attempts changed updated created at by location source ' +
    'mount volume selector ref'
  ).split(' '),
);
// A word anywhere in the name that makes it not a credential (public_key, sort_key, csrf_token).
const NOT_SECRET_ANYWHERE = new Set(
  (
    'public publishable pub is has use uses should get set fetch load read generate gen create verify validate check num next page pagination ' +
    'cursor continuation csrf xsrf authenticity anti forgery sync dedup dedupe lock locks tokenizer tokens keys secrets passwords show hide toggle old new ' +
    'expected actual mock stub fake test example sample default ' +
    // sudoers' tag (`ALL=(ALL) NOPASSWD: SETENV: ALL`): no password at all.
    'nopasswd'
  ).split(' '),
);
// Words that make a key or token name an index or a lookup (cache_key, sort_key) but say nothing
// against a password (cache_password is the cache's password).
const NOT_SECRET_KEY_WORDS = new Set(
  'primary foreign sort partition cache idempotency i18n translation hot lookup map dict unique composite row shortcut'.split(' '),
);

// The word before "key" that makes it a credential (api_key, signing_key) rather than an index key.
const KEY_QUALIFIERS = new Set(
  (
    'api access secret private signing sign encryption enc encrypt crypt crypto master auth app application license licence client ' +
    'service account shared hmac jwt session cookie aes admin webhook consumer subscription integration deploy ssh mac write ' +
    'storage server root sas tls ssl'
  ).split(' '),
);

const PASS_OWNERS =
  'user|db|admin|root|my|smtp|mail|ftp|sftp|proxy|http|imap|pop|sql|ldap|auth|login|app|api|store|trust|key|web|site|server|redis|mongo|rabbit|vnc|rdp|ssh|wifi|wpa|bind|master|service|client|vault|keystore|truststore|sa|sys|dba';
const OWNED_PASS = new RegExp(`^(?:${PASS_OWNERS})pass$`);

function wordKind(word: string): 'password' | 'secret' | 'key' | undefined {
  if (/^(?:pass|passwd|passw|password|passphrase|passcode|pwd|pw|pword)$/.test(word) || /(?:password|passwd|passphrase)$/.test(word) || OWNED_PASS.test(word)) {
    return 'password';
  }
  if (/^(?:secret|token|credential|credentials|creds|cred|authorization|bearer|auth|salt)$/.test(word)) return 'secret';
  if (/(?:secret|token|apikey|secretkey|accesskey|privatekey|authkey|signingkey|masterkey)$/.test(word) && !NOT_SECRET_ANYWHERE.has(word)) {
    return 'secret';
  }
  if (word === 'key') return 'key';
  return undefined;
}

/** Does an assignment name say the value is a credential, and which kind? */
// Password managers' names (an enum of passkey providers keyed by their AAGUIDs: outline/outline's
// `NordPass = "b84e4048-..."`, `[PasskeyBrand.OnePassword]: "1Password"`): a brand, not a password.
const PASSWORD_MANAGER_BRANDS = new Set(['onepassword', '1password', 'lastpass', 'nordpass', 'protonpass', 'keepass', 'keepassxc', 'keepassdx', 'keepassium', 'ipasswords', 'passwordsafe', 'enpass', 'roboform', 'dashlane', 'bitwarden']);

export function classifySecretName(name: string): SecretNameKind | undefined {
  if (PASSWORD_MANAGER_BRANDS.has((name.split('.').pop() ?? '').replace(/[^A-Za-z0-9]/g, '').toLowerCase())) return undefined;
  // A digit suffix numbers the variable (`static_password02`, `PASSWORD1`, `db_password2`).
  const words = nameWords(name).map((w) => (/^[a-z]+\d+$/.test(w) && !/^(?:v|b|base|sha|md|aes|rsa|ec|oauth)\d+$/.test(w) ? w.replace(/\d+$/, '') : w));
  if (words.length === 0 || words.some((w) => NOT_SECRET_ANYWHERE.has(w))) return undefined;
  for (let i = words.length - 1; i >= 0; i--) {
    const kind = wordKind(words[i]);
    if (!kind) continue;
    if (words.slice(i + 1).some((w) => NOT_SECRET_AFTER.has(w) || wordKind(w) === undefined && !/^(?:\d+|v\d+|prod|production|staging|dev|live|b64|base64|base|value|str|enc|encrypted|plain|raw|hex|bytes)$/.test(w))) {
      return undefined;
    }
    if (kind !== 'password' && words.some((w) => NOT_SECRET_KEY_WORDS.has(w))) return undefined;
    if (kind === 'key') return i > 0 && KEY_QUALIFIERS.has(words[i - 1]) ? 'secret' : 'weak-key';
    return kind;
  }
  return undefined;
}

/** A value assigned to a password-like name that reads like a real password. */
export function passwordValueOk(value: string): boolean {
  if (value.length < 6 || value.length > 200 || /\s/.test(value)) return false;
  if (isPlaceholder(value) || isNameEcho(value) || hasRepeatedRun(value) || looksLikeIdentifierName(value) || looksLikePathOrUrl(value) || isEscapedText(value)) return false;
  // A value that contains "password" or "secret" is judged like any other (HardcodedAdminPassword01);
  // code, regular expressions and option lists are not values.
  if (looksLikeCode(value) || looksLikeRegex(value) || looksLikeOptionList(value)) return false;
  if (/^\d+$/.test(value) || /^[\d.:-]+$/.test(value)) return false; // numbers, versions, times
  // Human passwords carry a digit or a symbol; letters only (a capitalised word, "Passwort" in a
  // translation file) pass only when long and mixed-case inside.
  const classes = charClasses(value);
  if (classes.digit || classes.symbol) return classes.count >= 2;
  return value.length >= 16 && /[a-z][A-Z]/.test(value);
}

/** Program source, not prose that quotes it: a README's snippet of an .npmrc or a connection string is the file it shows. */
function isProgramSource(file: FileContext): boolean {
  return file.isCode && !DOCS_FILE.test(file.path);
}

/** A value assigned to a secret/token/key name that reads like a generated credential. */
export function secretValueOk(value: string, kind: SecretNameKind): boolean {
  const minLength = kind === 'weak-key' ? 20 : 10;
  if (value.length < minLength || value.length > 500 || /\s/.test(value)) return false;
  if (isPlaceholder(value) || isNameEcho(value) || hasRepeatedRun(value) || looksLikeIdentifierName(value) || looksLikePathOrUrl(value) || isEscapedText(value)) return false;
  if (looksLikeCode(value) || looksLikeRegex(value) || looksLikeOptionList(value) || looksLikeVersion(value)) return false;
  // A UUID under a name that is not a credential name (`TimeoutKey`, `first_key`): an identifier.
  if (kind === 'weak-key' && (isUuid(value) || /^[a-z][a-z0-9]*(?:[._-][a-z0-9]+)+$/.test(value))) return false;
  // Nor a camelCase name of words under it (`key: web3SandboxChallenge`, juice-shop's challenge keys):
  // random characters seldom fall into capitalised words of three letters or more (digits only after
  // the first word: `purpleMonkey42Dishwasher7Lamp` is a passphrase).
  if (kind === 'weak-key' && /^[a-z]{2,}\d{0,2}(?:[A-Z][a-z]{2,})+$/.test(value)) return false;
  // An IAM action (`eks-auth:AssumeRoleForPodIdentity`: terraform-aws-eks) or a GraphQL field's type
  // (`secret: v1_SecretProjection`: kubernetes/dashboard's schema.graphql) names something.
  if (looksLikeTypeName(value)) return false;
  if (/^(?:sha\d+|md5)[-:]/i.test(value)) return false; // integrity hashes and digests
  if (/^\d+$/.test(value)) return false;
  const classes = charClasses(value);
  const entropy = shannonEntropy(value);
  if (kind === 'weak-key') {
    // Hex has at most 4 bits per character: judge it on its own scale.
    const threshold = HEX_SECRET.test(value) ? 3.0 : 3.5;
    return entropy >= threshold && classes.digit && (classes.lower || classes.upper);
  }
  // Generated credentials almost always hold a digit; long mixed-case letters-only ones are rare
  // but exist (base64 without digits), so those need length and entropy.
  return entropy >= 3.0 && (classes.digit ? classes.count >= 2 : value.length >= 20 && classes.upper && classes.lower && entropy >= 3.8);
}

/** Basic credentials are base64("user:password"): judge the password inside. */
function basicCredentialOk(encoded: string): boolean {
  const decoded = isBase64Ascii(encoded) ? decodeBase64(encoded) : '';
  const password = decoded.slice(decoded.indexOf(':') + 1);
  return decoded.includes(':') && password.length >= 4 && !isPlaceholder(password);
}

/** `value` with its percent-encoding undone, or as it is when that is not valid. */
function percentDecoded(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function stripAuthScheme(value: string): string {
  return value.replace(/^(?:Bearer|Basic|Token)\s+/i, '');
}

const HEX_SECRET = /^[a-fA-F0-9]{32,}$/;
const BASE64_SECRET = /^[A-Za-z0-9+/_-]{20,}={0,2}$/;

/** Generic matches get an id that says what the value looked like (docs/secrets.md). */
function genericVariant(value: string): RuleVariant {
  if (HEX_SECRET.test(value) && shannonEntropy(value) >= 3.0) {
    return { id: 'generic-high-entropy-hex', title: 'High-entropy hex secret assigned to a secret-named variable' };
  }
  if (BASE64_SECRET.test(value) && shannonEntropy(value) >= 4.0) {
    return { id: 'generic-high-entropy-base64', title: 'High-entropy base64 secret assigned to a secret-named variable' };
  }
  return { id: 'generic-secret', title: 'Secret assigned to a secret-named variable' };
}

// NAME (optionally quoted or in brackets), an assignment operator, then a quoted or bare value.
/**
 * NAME (optionally quoted or in brackets), an assignment operator, then a quoted or bare value.
 * The name is matched whole (never a shorter prefix of it) and must contain one of `nameWords`:
 * that keeps the expression linear on long lines and skips ordinary assignments early.
 */
// A name has no `@` after its first character: `pass@127.0.0.1:5432/db` is a URL's user and host,
// not a name assigned "5432/db" (outline/outline's DATABASE_URL=postgres://user:pass@127.0.0.1:5432/outline).
// `const X string = "..."` (Go), `password: string = '...'` (TypeScript), `val p: String = ""` (Kotlin).
const TYPE_ANNOTATION = String.raw`(?:\s*:\s*(?:string|String|str|&(?:'static\s+)?str|Str|CharSequence)\??(?=\s*=)|\s+(?:string|\[\]byte)(?=\s*=))?`;

function assignment(nameWords: string): RegExp {
  return new RegExp(
    String.raw`(?<![\w.$@-])(?=[\w.$@-]*?(?:${nameWords}))(?<name>(?:@@?)?[A-Za-z_$][\w.$-]{0,80})(?![\w.$@-])["'\x60]?\]?${TYPE_ANNOTATION}\s*(?<![=!<>])(?::=|=>|=(?![=~>])|:(?![:/]))\s*(?:(?:\[\]byte\(|Buffer\.from\(|bytes\(|[rbuf])?(?<q>["'\x60])(?<secret>[^"'\x60\r\n]{1,500}?)\k<q>|(?<bare>[^\s"'\x60,;&()}<>\][{\\]{1,500})(?![(\w]))`,
    'i',
  );
}

/** Where the secret starts in `match.input`. */
function secretOffset(match: RegExpExecArray): number {
  const g = match.indices?.groups;
  return g?.secret?.[0] ?? g?.bare?.[0] ?? match.index;
}

/** The character right after the secret (`(` makes a bare value a call). */
/** Where the captured value ends in the text. */
function valueEnd(match: RegExpExecArray): number {
  const g = match.indices?.groups;
  return g?.secret?.[1] ?? g?.bare?.[1] ?? match.index + match[0].length;
}

function charAfter(match: RegExpExecArray): string {
  return match.input[valueEnd(match)] ?? '';
}

/**
 * A bare value that goes on as a call, a member or a template expression: only its start was
 * captured (`key: db-volumes-sentry-v3-${{ steps.cache_key.outputs.ARCH }}`, an Actions cache key
 * in getsentry/self-hosted's action.yaml; `#{...}` in Ruby, `%{...}` in templates).
 */
function bareValueContinues(value: string, match: RegExpExecArray): boolean {
  const next = charAfter(match);
  if (next === '(' || next === '.') return true;
  // Only a closed expression on the same line: `Vq7!rLz2${Kp9wXe4` is a password with symbols.
  return next === '{' && /[$#%]$/.test(value) && /^\{[^}\n]*\}/.test(match.input.slice(valueEnd(match)));
}

const LOW_IN_COMMENT: RuleVariant = { id: '', severity: 'low' };

/**
 * A generic match inside a comment of program source (doc examples: `#   user.update(password:
 * "nohack4u")`) is still reported, at low severity: the comment may hold a real one.
 */
function inCodeComment(match: RegExpExecArray, file: FileContext): boolean {
  return file.isCode && isCommentBefore(match.input, secretOffset(match));
}

function withCommentSeverity(verdict: RuleVariant, match: RegExpExecArray, file: FileContext): RuleVariant {
  return inCodeComment(match, file) ? { ...verdict, severity: LOW_IN_COMMENT.severity } : verdict;
}

/**
 * A Helm chart's values name the Kubernetes Secret that holds a value (`secret: gitlab-google-oauth2`
 * beside `key: provider`: GitLab's chart): under the keys `secret`, `secretName` or `existingSecret`,
 * a Secret's name of lower-case words joined by hyphens, one of three letters or more, optionally
 * after the docs' `RELEASE-` or `RELEASE_NAME-`. Words of letters only, but for the few that hold a
 * digit by name (`oauth2`, `s3`, `k8s`, `v2`): a digit inside a word makes a passphrase
 * (`unbent-scorn4-gusty`, a password manager's), and so does a number (`purple-monkey-dishwasher-42`).
 * A passphrase of plain words there (`purple-monkey-dishwasher`) reads as a name: that is the cost.
 * Only a chart's values: `values*.yaml` at the root (a chart repository) or under `charts/` or
 * `helm/`, and not one named for secrets (`values-secrets.yaml` holds the values themselves).
 */
function namesHelmSecret(path: string, name: string, value: string): boolean {
  return (
    HELM_VALUES.test(path) &&
    !/secret/i.test(path.slice(path.lastIndexOf('/') + 1)) &&
    (name === 'secret' || name === 'secretName' || name === 'existingSecret') &&
    HELM_SECRET_NAME.test(value) &&
    /(?:^|-)[a-z]{3,}(?:-|$)/.test(value)
  );
}
const HELM_VALUES = /^values[^/]*\.ya?ml$|(?:^|\/)(?:charts?|helm)\/(?:[^/]+\/)*values[^/]*\.ya?ml$/i;
const SECRET_NAME_WORD = '(?:[a-z]+|oauth2|s3|k8s|ec2|http2|ipv[46]|sha(?:1|256|512)|x509|pkcs(?:8|12)|base64|utf8|v[1-9])';
const HELM_SECRET_NAME = new RegExp(`^(?:RELEASE(?:_NAME)?-)?${SECRET_NAME_WORD}(?:-${SECRET_NAME_WORD})+$`);

/** The value is an argument inside a `{{ … }}` template expression (Ansible/Jinja docs examples). */
function inTemplateExpression(match: RegExpExecArray): boolean {
  const at = secretOffset(match);
  const before = match.input.lastIndexOf('{{', at);
  return before !== -1 && match.input.lastIndexOf('}}', at) < before && match.input.indexOf('}}', at) !== -1;
}

/**
 * `${NAME:+word}` and `${NAME:?message}` (shell parameter expansion, the Maven wrapper's
 * `${MVNW_PASSWORD:+has-password}`): the word is what the expansion gives when NAME is set, or an
 * error message, never NAME's value. (`${NAME:-default}` and `${NAME:=default}` do give a literal
 * default, and stay findings.)
 */
function inShellAlternative(match: RegExpExecArray): boolean {
  const name = match.indices?.groups?.name;
  if (!name) return false;
  return match.input.slice(name[0] - 2, name[0]) === '${' && /^:[+?]/.test(match.input.slice(name[1], name[1] + 2));
}

const PASSWORD_VARIANT: RuleVariant = { id: 'generic-password', title: 'Password assigned in code or configuration' };

/**
 * The value analysis shared by every rule that sees a NAME and a VALUE: the name must be a
 * credential name, the value must read like a credential of that kind. Returns the id to report.
 */
export function judgeNamedValue(name: string, value: string): false | RuleVariant {
  const kind = classifySecretName(name);
  if (kind === undefined) return false;
  if (kind === 'password') return passwordValueOk(value) ? PASSWORD_VARIANT : false;
  if (!secretValueOk(value, kind)) return false;
  const variant = genericVariant(value);
  return variant.id === 'generic-secret' ? variant : { ...variant, severity: 'medium' };
}

/** judgeNamedValue with the comment rule applied, for rules that see a named value. */
function namedCheck(nameGroup = 'name') {
  return ({ secret, match, file }: CheckInput): boolean | RuleVariant => {
    const verdict = judgeNamedValue(match.groups?.[nameGroup] ?? '', secret);
    return verdict === false ? false : withCommentSeverity(verdict, match, file);
  };
}

const GENERIC_RULES: SecretRule[] = [
  {
    id: 'generic-password',
    family: 'generic-password',
    title: 'Password assigned in code or configuration',
    severity: 'high',
    keywords: ['pass', 'pwd', 'pw'],
    pattern: assignment('pass|pwd|pw'),
    lineMustInclude: ['=', ':'],
    check: ({ secret, match, quoted, file }) => {
      if ((file.isCode && !quoted) || inShellAlternative(match)) return false;
      const kind = classifySecretName(match.groups?.name ?? '');
      if (kind !== 'password') return false;
      if (!quoted && bareValueContinues(secret, match)) return false;
      if (!passwordValueOk(secret)) return false;
      return inCodeComment(match, file) || inTemplateExpression(match) ? { id: 'generic-password', severity: 'low' } : true;
    },
  },
  {
    id: 'generic-secret',
    family: 'generic-secret',
    title: 'Secret assigned to a secret-named variable',
    severity: 'high',
    keywords: ['secret', 'token', 'key', 'cred', 'auth', 'salt', 'bearer'],
    pattern: assignment('secret|token|key|cred|auth|salt|bearer'),
    lineMustInclude: ['=', ':'],
    // token = "Bearer abc...": the credential is what follows the scheme.
    normalize: stripAuthScheme,
    check: ({ secret: raw, match, quoted, file }) => {
      const secret = stripAuthScheme(raw);
      if (/^basic\s/i.test(raw) && !basicCredentialOk(secret)) return false;
      if ((file.isCode && !quoted) || inShellAlternative(match)) return false;
      if (namesHelmSecret(file.path, match.groups?.name ?? '', secret)) return false;
      const kind = classifySecretName(match.groups?.name ?? '');
      if (kind === undefined || kind === 'password') return false;
      if (!quoted && bareValueContinues(secret, match)) return false;
      if (!secretValueOk(secret, kind)) return false;
      const variant = genericVariant(secret);
      return withCommentSeverity(variant.id === 'generic-secret' ? variant : { ...variant, severity: 'medium' }, match, file);
    },
  },
  {
    // A literal fallback for a secret-named environment variable: os.getenv("DB_PASSWORD", "..."),
    // process.env.API_TOKEN || '...', ENV.fetch("SECRET_KEY_BASE", "...").
    id: 'env-default-secret',
    family: 'generic-secret',
    title: 'Secret used as the default of an environment variable',
    severity: 'high',
    keywords: ['getenv', 'environ', 'env.get', 'env.fetch', 'process.env', 'env('],
    pattern:
      /(?:(?:getenv|environ\.get|env\.get|ENV\.fetch|env)\(\s*["'](?<name>\w+)["']\s*,\s*|process\.env\.(?<jsname>\w+)\s*(?:\|\||\?\?)\s*)[rbu]?["'](?<secret>[^"'\s]{6,})["']/,
    check: ({ secret, match }) => {
      const kind = classifySecretName(match.groups?.name ?? match.groups?.jsname ?? '');
      if (kind === undefined) return false;
      if (kind === 'password') return passwordValueOk(secret);
      if (!secretValueOk(secret, kind)) return false;
      return { ...genericVariant(secret), severity: 'high' };
    },
  },
  {
    // A name/value pair over two lines: Kubernetes `env` lists, ECS task definitions, Helm values.
    id: 'env-list-secret',
    family: 'generic-secret',
    title: 'Secret in a name/value environment entry (Kubernetes, ECS)',
    severity: 'high',
    keywords: ['name'],
    lineMustInclude: ['value'],
    window: 400,
    pattern:
      /["']?name["']?\s*:\s*["']?(?<name>[A-Za-z_][\w.-]*)["']?\s*,?\s*["']?value["']?\s*:\s*(?:["'](?<secret>[^"'\r\n]{4,})["']|(?<bare>[^\s"'{}[\],#]{4,}))/,
    check: ({ secret, match, quoted, file }) => {
      // Both keys on the first line or on two consecutive lines, nothing else between them.
      if ((match[0].match(/\n/g) ?? []).length > 1) return false;
      // In program source (and Bicep) a bare value is a variable, not a literal.
      if (file.isCode && !quoted) return false;
      const kind = classifySecretName(match.groups?.name ?? '');
      if (kind === undefined) return false;
      return kind === 'password' ? passwordValueOk(secret) : secretValueOk(secret, kind);
    },
  },
  {
    // Passwords on command lines in scripts and CI files.
    id: 'cli-password-flag',
    family: 'generic-password',
    title: 'Password passed on a command line (--password, --http-password, --tlspassword, --proxy-user, docker login -p, sshpass -p, mysql -p)',
    severity: 'high',
    keywords: ['-password', '-passwd', 'tlspassword', 'sshpass', 'login', 'mysql', '--proxy-user', '--user', '-pass ', 'storepass', 'keypass', 'redis-cli'],
    // Not a switch that asks for one or says there is none (`--ask-vault-pass`, systemctl's `--no-ask-password`).
    pattern:
      /(?:(?<![\w-])--?(?!(?:no|ask)-)(?:[a-z]+-)*(?:password|passwd|tlspassword|pass|storepass|keypass)(?:=|\s+)|\bsshpass\s+-p\s*|\bdocker\s+login\b[^\r\n|;&]*?\s-p\s+|\bmysql(?:dump|admin|sh)?\b[^\r\n|;&]*?\s-p|\bredis-cli\b[^\r\n|;&]*?\s-a\s+|(?<![\w-])--(?:proxy-)?user(?:=|\s+)["']?[\w.@-]{1,64}:)["']?(?<secret>(?:[^\s"'$;&|(){}[\]<>\\]|\\(?![nrt"'\\]))(?:[^\s"'$;&|(){}[\]<>\\]|\\(?![nrt"'\\])){3,})/,
    check: ({ secret, match, file }) => {
      if (secret.startsWith('-') || !passwordValueOk(secret)) return false;
      return inCodeComment(match, file) ? { id: 'cli-password-flag', severity: 'low' } : true;
    },
  },
  {
    id: 'authorization-header',
    family: 'generic-secret',
    title: 'Credential in an Authorization header',
    severity: 'high',
    keywords: ['bearer ', 'basic ', 'token '],
    // `Authorization: Bearer …`, `"Authorization": "Basic …"`, nginx `proxy_set_header Authorization "Basic …"`.
    pattern: /Authorization["']?(?:\s*[:=,]\s*|\s+)["']?(?<scheme>Bearer|Basic|Token)\s+(?<secret>[A-Za-z0-9._~+/=-]{16,})/i,
    minEntropy: 3.5,
    check: ({ secret, match }) => {
      if (isPlaceholder(secret)) return false;
      return match.groups?.scheme?.toLowerCase() !== 'basic' || basicCredentialOk(secret);
    },
  },
];


// ---------------------------------------------------------------------------------------------
// Declarations in their language's shape: multiple assignment, Dockerfile ENV, Gradle/Groovy and
// config files' `name "value"`, nginx directives, Terraform variable defaults, YAML block scalars,
// heredocs, call arguments and setters, SQL, URL query parameters.

const SECRET_NAME_WORDS = ['pass', 'pwd', 'secret', 'token', 'key', 'cred', 'auth', 'salt', 'bearer'];

// Languages with multiple assignment (`a, b := "x", "y"`, `a, b = "x", "y"`).
const TUPLE_LANGUAGES = /\.(?:go|py|pyw|rb|lua|pl|pm|cr|nim)$/i;
// Where `name "value"` is a statement: Groovy/Gradle, Ruby DSLs, Perl, tool configs (no
// extension or a config one). Never JavaScript, TypeScript, Python, Go, Java, C#, JSON or prose.
const KEYWORD_VALUE_FILES = /^(?!.*\.(?:[cm]?[jt]sx?|py|go|java|cs|json|md|mdx|rst|txt|html?|xml|vue|svelte|c|cc|cpp|h|hpp|rs|swift|kt|scala|php|sql|csv|lock)$)/i;
// Languages with heredocs.
const HEREDOC_FILES = /\.(?:tf|hcl|tfvars|rb|sh|bash|zsh|ksh|php|pl|pm|ya?ml)$|(?:^|\/)(?:Dockerfile|Containerfile|Jenkinsfile|Makefile)[^/]*$/i;

const DECLARATION_RULES: SecretRule[] = [
  {
    // Go and Python multiple assignment: `const a, b string = "x", "y"`, `user, pw := "u", "p"`.
    id: 'tuple-assignment-secret',
    family: 'generic-password',
    title: 'Secret in a multiple assignment',
    severity: 'high',
    keywords: SECRET_NAME_WORDS,
    paths: TUPLE_LANGUAGES,
    lineMustInclude: [','],
    pattern:
      /^[ \t]*(?:(?:const|var|let|val)\s+)?(?<name>[A-Za-z_$][\w$]*)\s*,\s*[A-Za-z_$][\w$]*(?:\s+[\w[\]]+)?\s*(?::=|=)\s*(?<q>["'`])(?<secret>[^"'`\r\n]{1,200})\k<q>\s*,/,
    check: namedCheck(),
  },
  {
    id: 'tuple-assignment-secret',
    family: 'generic-password',
    title: 'Secret in a multiple assignment',
    severity: 'high',
    keywords: SECRET_NAME_WORDS,
    paths: TUPLE_LANGUAGES,
    lineMustInclude: [','],
    pattern:
      /^[ \t]*(?:(?:const|var|let|val)\s+)?[A-Za-z_$][\w$]*\s*,\s*(?<name>[A-Za-z_$][\w$]*)(?:\s+[\w[\]]+)?\s*(?::=|=)\s*(?:(?<q1>["'`])[^"'`\r\n]*\k<q1>|[^,"'`\r\n]+?)\s*,\s*(?<q>["'`])(?<secret>[^"'`\r\n]{1,200})\k<q>/,
    check: namedCheck(),
  },
  {
    // `ENV API_KEY value` (the space form; `ENV A=b` is a generic assignment).
    id: 'dockerfile-env-secret',
    family: 'generic-secret',
    title: 'Secret in a Dockerfile ENV instruction',
    severity: 'high',
    keywords: ['env '],
    paths: /(?:^|\/)(?:Dockerfile|Containerfile)(?:\.[\w.-]+)?$|\.(?:dockerfile|containerfile)$/i,
    pattern: /^\s*ENV\s+(?<name>[A-Za-z_][\w.-]*)\s+(?:(?<q>["'])(?<secret>[^"'\r\n]{1,500})\k<q>|(?<bare>[^\s"'=]\S*))\s*$/i,
    check: namedCheck(),
  },
  {
    // Groovy/Gradle and Ruby DSLs, mail and fetch tool configs: `password "x"`, `password 'x'`.
    id: 'keyword-value-secret',
    family: 'generic-password',
    title: 'Secret given as `name "value"` (Gradle, Ruby DSL, tool configs)',
    severity: 'high',
    keywords: SECRET_NAME_WORDS,
    paths: KEYWORD_VALUE_FILES,
    lineMustInclude: ['"', "'"],
    pattern: /^[ \t]*(?<name>[A-Za-z_][\w.-]{0,60})[ \t]+(?<q>["'])(?<secret>[^"'\r\n]{1,300})\k<q>\s*(?:[;,)}]|\/\/|#|$)/,
    check: namedCheck(),
  },
  {
    // nginx: `set $api_key …;`, `proxy_set_header X-Api-Key …;`, `fastcgi_param DB_PASSWORD …;`.
    id: 'nginx-directive-secret',
    family: 'generic-secret',
    title: 'Secret in an nginx directive (set, proxy_set_header, add_header, fastcgi_param)',
    severity: 'high',
    keywords: ['set $', 'set_header', 'add_header', '_param', 'more_set'],
    pattern:
      /(?:^|[\s;{])(?:set\s+\$|(?:proxy_set_header|add_header|grpc_set_header|more_set_headers|more_set_input_headers|fastcgi_param|uwsgi_param|scgi_param)\s+["']?)(?<name>[\w-]+)(?::\s*|["']?\s+)(?:(?<q>["'])(?<secret>[^"'\r\n]{1,300})\k<q>|(?<bare>[^\s;"'$]+))\s*;/,
    check: namedCheck(),
  },
  {
    // variable "db_password" { default = "…" }
    id: 'terraform-variable-default',
    family: 'generic-secret',
    title: 'Secret as the default of a Terraform variable',
    severity: 'high',
    keywords: ['variable'],
    paths: /\.tf$/,
    window: 1_500,
    pattern: /\bvariable\s+"(?<name>[\w-]+)"\s*\{(?:[^{}]|\{[^{}]*\})*?\bdefault\s*=\s*"(?<secret>[^"\r\n]{1,500})"/,
    check: namedCheck(),
  },
  {
    // YAML block scalar holding one line: `password: |` then the value on the next line.
    id: 'yaml-block-scalar-secret',
    family: 'generic-secret',
    title: 'Secret in a YAML block scalar',
    severity: 'high',
    keywords: SECRET_NAME_WORDS,
    paths: /\.ya?ml$/i,
    lineMustInclude: [': |', ': >', ':|', ':>'],
    window: 600,
    pattern: /^[ \t]*-?[ \t]*["']?(?<name>[\w.-]+)["']?[ \t]*:[ \t]*[|>][+-]?\d?[ \t]*\r?\n(?<vi>[ \t]+)(?<secret>[^\s#][^\r\n]*?)[ \t]*\r?(?:\n(?!\k<vi>)|$)/,
    check: namedCheck(),
  },
  {
    // A one-line heredoc value: `password = <<EOT` / value / `EOT` (Terraform, Ruby, shell).
    id: 'heredoc-secret',
    family: 'generic-secret',
    title: 'Secret in a heredoc',
    severity: 'high',
    keywords: SECRET_NAME_WORDS,
    paths: HEREDOC_FILES,
    lineMustInclude: ['<<'],
    window: 600,
    pattern: /(?<name>[A-Za-z_][\w.-]*)["']?\s*(?:=|:|=>)\s*<<[-~]?["']?(?<tag>[A-Z_]+)["']?[ \t]*\r?\n[ \t]*(?<secret>\S[^\r\n]*?)[ \t]*\r?\n[ \t]*\k<tag>\b/,
    check: namedCheck(),
  },
  {
    // client.login('user', 'pass'), HTTPBasicAuth("u", "p"), new NetworkCredential("u", "p").
    id: 'call-argument-credential',
    family: 'generic-password',
    title: 'Credential passed as a call argument (login, basic auth, credential objects)',
    severity: 'high',
    keywords: ['login(', 'login (', 'log_in(', 'signin(', 'sign_in(', 'authenticate(', 'auth(', 'credential(', 'credentials(', 'authorize(', 'authenticationtoken(', 'authentication('],
    lineMustInclude: [','],
    pattern:
      /\b(?:[\w$]+\.)*(?:login|log_in|logIn|signin|signIn|sign_in|authenticate|basic_auth|basicAuth|BasicAuth|HTTPBasicAuth|HTTPDigestAuth|HttpBasicAuth|DigestAuth|UsernamePasswordCredentials|UsernamePasswordAuthenticationToken|NetworkCredential|PasswordAuthentication|PasswordCredential|BasicCredentials|Credentials|credentials|with_credentials|withCredentials|set_auth|setAuth|setBasicAuth|set_basic_auth|auth|authorize)\s*\(\s*(?:[\w$]+\s*[=:]\s*)?(?<uq>["'`])(?<user>[^"'`\r\n]{0,100})\k<uq>\s*,\s*(?:[\w$]+\s*[=:]\s*)?(?<q>["'`])(?<secret>[^"'`\r\n]{1,200})\k<q>\s*[,)]/,
    check: ({ secret, match, file }) => {
      if (secret === match.groups?.user || /\s/.test(secret)) return false;
      const verdict = passwordValueOk(secret) ? PASSWORD_VARIANT : judgeNamedValue('api_token', secret);
      return verdict === false ? false : withCommentSeverity({ ...verdict, id: 'call-argument-credential', title: undefined }, match, file);
    },
  },
  {
    // setPassword("…"), set_api_key('…'), withToken("…"), .password("…") on a builder.
    id: 'setter-credential',
    family: 'generic-password',
    title: 'Credential passed to a setter or builder method',
    severity: 'high',
    keywords: [
      'setpass', 'set_pass', 'withpass', 'with_pass', 'setsecret', 'set_secret', 'withsecret', 'settoken', 'set_token', 'withtoken',
      'setapikey', 'set_api_key', 'withapikey', 'setaccesskey', 'set_access_key', 'setsecretkey', 'set_secret_key', 'setprivatekey',
      'password(', 'passwd(', 'passphrase(', 'secret(', 'token(', 'apikey(', 'secretkey(', 'accesskey(', 'privatekey(',
    ],
    pattern:
      /(?:\b(?:set|with)_?|\.)(?<name>(?:[A-Za-z]+_?)?(?:Password|password|Passwd|passwd|Passphrase|passphrase|Secret|secret|Token|token|ApiKey|apiKey|api_key|AccessKey|accessKey|access_key|SecretKey|secretKey|secret_key|PrivateKey|privateKey|private_key))\s*\(\s*(?<q>["'`])(?<secret>[^"'`\r\n]{1,300})\k<q>\s*\)/,
    check: ({ secret, match, file }) => {
      const verdict = judgeNamedValue((match.groups?.name ?? '').replace(/^(?:set|with)_?/i, ''), secret);
      return verdict === false ? false : withCommentSeverity(verdict, match, file);
    },
  },
  {
    // CREATE USER … IDENTIFIED BY '…', ALTER ROLE … WITH PASSWORD '…' (SQL files, shell history).
    id: 'sql-password',
    family: 'generic-password',
    title: 'Password in an SQL statement (IDENTIFIED BY, WITH PASSWORD)',
    severity: 'high',
    keywords: ['identified', 'password \'', 'password "', "password e'"],
    pattern: /\b(?:IDENTIFIED\s+(?:WITH\s+\w+\s+)?BY|(?:WITH\s+|\s)(?:ENCRYPTED\s+)?PASSWORD)\s+E?(?<q>['"])(?<secret>[^'"\r\n]{1,200})\k<q>/i,
    check: ({ secret, match, file }) => {
      if (/^\*[0-9A-F]{40}$/.test(secret) || !passwordValueOk(secret)) return false;
      return inCodeComment(match, file) ? { id: 'sql-password', severity: 'low' } : true;
    },
  },
  {
    // jdbc:mysql://host/db?user=admin&userpass=…, https://api…/?api_key=…&…
    id: 'url-query-secret',
    family: 'connection-string',
    title: 'Secret in a URL query parameter',
    severity: 'high',
    keywords: ['pass=', 'pwd=', 'secret=', 'token=', 'key=', 'auth='],
    lineMustInclude: ['?'],
    pattern: /\?(?:[^\s"'#&]*&)*?(?<name>[\w.-]{0,40}(?:pass|pwd|password|secret|token|key|auth)[\w.-]{0,20})=(?<secret>[^&\s"'#<>]{4,300})/i,
    check: namedCheck(),
  },
];

// ---------------------------------------------------------------------------------------------
// High-entropy strings with no keyword near them: quoted literals or whole `NAME=VALUE` values
// that are long, mix upper case, lower case and digits, and carry near-random entropy. Never hex
// alone (commit ids, checksums), never a dotted, pathed or word-made value, never on a line that
// says it holds a hash, an id or inline data.

const NOT_SECRET_LINE =
  /integrity|authenticity|csrf|xsrf|checksum|sha\d|md5|hash|digest|nonce|fingerprint|etag|uuid|guid|commit|revision|\brev\b|data:|base64,|sourceMappingURL|\bid["']?\s*[:=]|_id\b|Id["']?\s*[:=]|test|mock|fake|example|sample|fixture|expected|snapshot|cassette|gitleaks:allow/i;

function lineAround(text: string, index: number): string {
  const start = text.lastIndexOf('\n', index - 1) + 1;
  let end = text.indexOf('\n', index);
  if (end === -1) end = text.length;
  return text.slice(start, end);
}

const BLOB_LINE = /^\s*["'`]?[A-Za-z0-9+/_=-]{32,}["'`]?\s*(?:[,;+\\]|\.\.)?\s*$/;

function neighbourHasBlob(text: string, index: number): boolean {
  const start = text.lastIndexOf('\n', index - 1);
  const end = text.indexOf('\n', index);
  if (start > 0 && BLOB_LINE.test(lineAround(text, start - 1))) return true;
  return end !== -1 && end + 1 < text.length && BLOB_LINE.test(lineAround(text, end + 1));
}

function encodesText(value: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return false;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  let printable = 0;
  for (const ch of decoded) if (/[\p{L}\p{N}\p{P}\p{Zs}]/u.test(ch)) printable++;
  return printable / Math.max(1, [...decoded].length) > 0.95 && /[\s./:]/.test(decoded);
}

export function highEntropyValueOk(value: string): boolean {
  const n = value.length;
  if (n < 32 || n > 200 || /^(?:sha\d+|md5)[-:_]/i.test(value)) return false;
  const classes = charClasses(value);
  if (!classes.upper || !classes.lower || !classes.digit) return false;
  if (/^[A-Fa-f0-9-]+$/.test(value) || /^(?:sha\d+|md5)[-:_]/i.test(value)) return false;
  // Publishable keys and other prefixed public identifiers (pk_live_…, pk_test_…).
  if (/^(?:pk|pub|public)_/i.test(value) || /^[a-z]+_(?:live|test)_/.test(value)) return false;
  // Words: three or more capitalised words or a long lower-case run (identifiers, prose, paths).
  if ((value.match(/[A-Z][a-z]{3,}/g) ?? []).length >= 3 || /[a-z]{9,}|[A-Z]{9,}/.test(value)) return false;
  if (/^[A-Za-z]+[-_]/.test(value) && (value.match(/[-_]/g) ?? []).length >= 3) return false; // slug-like
  if (isFillerValue(value) || hasRepeatedRun(value) || looksLikePathOrUrl(value)) return false;
  // Signed messages and cookies (`data--digest`), and base64 of readable text (a URL, a sentence).
  if (value.includes('--') || encodesText(value)) return false;
  // Signatures, public keys and certificates (DER): public by nature.
  if (encodesPublicDer(value)) return false;
  if ((value.match(/\//g) ?? []).length >= 3 && /\/[a-z]{3,}\//.test(value)) return false;
  const entropy = shannonEntropy(value);
  const ideal = Math.log2(Math.min(n, 64));
  return entropy >= 4.3 && entropy / ideal >= 0.85;
}

const highEntropyCheck = ({ secret, match, file }: CheckInput): boolean | RuleVariant => {
  if (!highEntropyValueOk(secret)) return false;
  const at = secretOffset(match);
  const line = lineAround(match.input, at);
  if (NOT_SECRET_LINE.test(line)) return false;
  // Tables of encoded data (lookup tables, test vectors): a neighbour line holds the same shape.
  if (neighbourHasBlob(match.input, at)) return false;
  return file.isCode && isCommentBefore(match.input, at) ? { id: 'high-entropy-string', severity: 'low' } : true;
};

const ENTROPY_BASE = {
  id: 'high-entropy-string',
  family: 'generic-secret',
  title: 'High-entropy string (no credential name near it)',
  severity: 'medium',
  // Any rule that knows more about the same value wins.
  priority: FAMILY_PRIORITY['generic-secret'] + 1,
  keywords: [],
  check: highEntropyCheck,
} as const;

const ENTROPY_RULES: SecretRule[] = [
  {
    // A quoted literal, in any text file but markup, styles and data tables.
    ...ENTROPY_BASE,
    paths: /^(?!.*\.(?:svg|html?|css|scss|less|csv|tsv|sum|lock|snap|ipynb|pdf|ps|eps|xml|plist|pbxproj|storyboard|xib|resx|po|pot|mo)$)/i,
    pattern: /["'`](?!sha\d|md5)(?<secret>[A-Za-z0-9+/_=-]{32,200})["'`]/,
  },
  {
    // The whole unquoted value of `NAME=VALUE` / `name: value` in env, properties, ini and shell files.
    ...ENTROPY_BASE,
    paths: /(?:^|\/)(?:\.env(?:\.[\w.-]+)?|\.envrc|[^/]*\.(?:env|properties|ini|cfg|conf|toml|ya?ml|sh|bash|zsh|tfvars))$/i,
    pattern: /^[ \t]*(?:export[ \t]+)?[A-Za-z_][\w.-]*[ \t]*[=:][ \t]*(?<bare>[A-Za-z0-9+/_=-]{32,200})[ \t]*\r?$/m,
  },
];

export const SECRET_RULES: readonly SecretRule[] = [
  ...PRIVATE_KEY_RULES,
  ...PROVIDER_RULES,
  ...CREDENTIAL_FILE_RULES,
  ...FRAMEWORK_RULES,
  ...PASSWORD_HASH_RULES,
  ...GENERIC_RULES,
  ...DECLARATION_RULES,
  ...ENTROPY_RULES,
];
