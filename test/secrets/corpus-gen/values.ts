// Fake secret values with the documented shapes of real credentials, from a seeded generator so
// the corpus is reproducible. None of these is, or was, a real credential.

/** mulberry32: small, seeded, good enough for test data. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state += 0x6d2b79f5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(max: number): number {
    return Math.floor(this.next() * max);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  chars(alphabet: string, n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[this.int(alphabet.length)];
    return out;
  }
}

export const LOWER = 'abcdefghijklmnopqrstuvwxyz';
export const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const DIGITS = '0123456789';
export const ALNUM = LOWER + UPPER + DIGITS;
export const HEX = '0123456789abcdef';
export const B64 = ALNUM + '+/';
export const B64URL = ALNUM + '-_';
export const CRYPT64 = './' + DIGITS + UPPER + LOWER;
export const BASE32 = UPPER + '234567';

/** A generated value: `text` goes into the file, `secret` is what the scanner should hash. */
export interface Planted {
  text: string;
  secret: string;
}

export type Generator = (r: Random) => Planted;

const plain =
  (f: (r: Random) => string): Generator =>
  (r) => {
    const v = f(r);
    return { text: v, secret: v };
  };

/** Random but never spelling a placeholder word by accident (xxxx, todo, ...). */
function safe(r: Random, alphabet: string, n: number): string {
  for (;;) {
    const v = r.chars(alphabet, n);
    if (!/xxxx|todo|fixme|example|sample|dummy|lorem|\.\.\.\.|redacted|password|secret|token|test/i.test(v)) return v;
  }
}

function uuid(r: Random): string {
  const h = (n: number) => r.chars(HEX, n);
  return `${h(8)}-${h(4)}-4${h(3)}-${r.pick(['8', '9', 'a', 'b'])}${h(3)}-${h(12)}`;
}

function b64encode(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

function b64url(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64url');
}

const WORDS = [
  'Tangerine', 'Harbor', 'Copper', 'Falcon', 'Meadow', 'Granite', 'Juniper', 'Lantern', 'Quartz', 'Saffron',
  'Willow', 'Ember', 'Cobalt', 'Orchid', 'Thistle', 'Marble', 'Pepper', 'Walnut', 'Glacier', 'Velvet',
];

/** Human-made passwords: word, symbol, digits (what people actually type into configs). */
export function humanPassword(r: Random): string {
  const shapes = [
    // Symbols that also survive in URLs and connection strings unescaped.
    () => `${r.pick(WORDS)}${r.pick(['!', '*', '~', '_', '.', '-'])}${r.chars(DIGITS, 4)}`,
    () => `${r.pick(WORDS).toLowerCase()}${r.chars(DIGITS, 2)}${r.pick(WORDS)}`,
    () => safe(r, ALNUM + '!*_~', 16),
    () => `${r.pick(WORDS)}-${r.pick(WORDS).toLowerCase()}-${r.chars(DIGITS, 3)}`,
    () => safe(r, ALNUM, 24),
  ];
  return r.pick(shapes)();
}

export const GENERATORS: Record<string, Generator> = {
  // Cloud
  'aws-access-key-id': plain((r) => `AKIA${r.chars(BASE32, 16)}`),
  'aws-secret-access-key': plain((r) => safe(r, ALNUM + '/+', 40)),
  'gcp-api-key': plain((r) => `AIza${safe(r, ALNUM + '-_', 35)}`),
  'gcp-oauth-client-secret': plain((r) => `GOCSPX-${safe(r, ALNUM + '-_', 28)}`),
  'gcp-refresh-token': plain((r) => `1//0${r.pick(['g', '5', '9'])}${safe(r, ALNUM + '-_', 60)}`),
  'azure-storage-key': plain((r) => `${safe(r, B64, 86)}==`),
  'azure-client-secret': plain((r) => `${safe(r, ALNUM, 3)}${r.chars(DIGITS, 1)}Q~${safe(r, ALNUM + '_~.-', 34)}`),
  'azure-sas-sig': plain((r) => `${safe(r, ALNUM + '%', 43)}%3D`),
  'digitalocean-token': plain((r) => `dop_v1_${r.chars(HEX, 64)}`),
  'alibaba-access-key-id': plain((r) => `LTAI${safe(r, ALNUM, 20)}`),
  'heroku-api-key': plain((r) => `HRKU-${safe(r, ALNUM + '_-', 60)}`),
  'vault-token': plain((r) => `hvs.${safe(r, ALNUM + '_-', 95)}`),
  'terraform-cloud-token': plain((r) => `${safe(r, ALNUM, 14)}.atlasv1.${safe(r, ALNUM, 67)}`),
  'doppler-token': plain((r) => `dp.pt.${safe(r, ALNUM, 43)}`),
  'pulumi-token': plain((r) => `pul-${r.chars(HEX, 40)}`),
  'flyio-token': plain((r) => `fo1_${safe(r, ALNUM + '_-', 43)}`),
  'netlify-token': plain((r) => `nfp_${safe(r, ALNUM, 36)}`),
  // VCS
  'github-pat': plain((r) => `ghp_${safe(r, ALNUM, 36)}`),
  'github-fine-grained-pat': plain((r) => `github_pat_${safe(r, ALNUM, 22)}_${safe(r, ALNUM, 59)}`),
  'github-oauth-token': plain((r) => `gho_${safe(r, ALNUM, 36)}`),
  'github-app-token': plain((r) => `ghs_${safe(r, ALNUM, 36)}`),
  'gitlab-pat': plain((r) => `glpat-${safe(r, ALNUM + '_-', 20)}`),
  'gitlab-runner-token': plain((r) => `glrt-${safe(r, ALNUM + '_-', 20)}`),
  'gitlab-trigger-token': plain((r) => `glptt-${r.chars(HEX, 40)}`),
  'gitlab-deploy-token': plain((r) => `gldt-${safe(r, ALNUM + '_-', 20)}`),
  'bitbucket-app-password': plain((r) => `ATBB${safe(r, ALNUM, 32)}`),
  'atlassian-api-token': plain((r) => `ATATT3xFfGF0${safe(r, ALNUM + '_-', 180)}`),
  // CI and platforms
  'circleci-token': plain((r) => `CCIPAT_${safe(r, ALNUM, 22)}_${r.chars(HEX, 40)}`),
  'buildkite-token': plain((r) => `bkua_${r.chars(HEX, 40)}`),
  'sonarqube-token': plain((r) => `squ_${r.chars(HEX, 40)}`),
  'octopus-api-key': plain((r) => `API-${r.chars(UPPER + DIGITS, 26)}`),
  'jfrog-api-key': plain((r) => `AKCp${safe(r, ALNUM, 69)}`),
  'grafana-sa-token': plain((r) => `glsa_${safe(r, ALNUM, 32)}_${r.chars(HEX, 8)}`),
  'sentry-token': plain((r) => `sntryu_${r.chars(HEX, 64)}`),
  'new-relic-key': plain((r) => `NRAK-${r.chars(UPPER + DIGITS, 27)}`),
  'linear-api-key': plain((r) => `lin_api_${safe(r, ALNUM, 40)}`),
  'postman-api-key': plain((r) => `PMAK-${r.chars(HEX, 24)}-${r.chars(HEX, 34)}`),
  'notion-token': plain((r) => `ntn_${r.chars(DIGITS, 11)}${safe(r, ALNUM, 35)}`),
  'huggingface-token': plain((r) => `hf_${safe(r, LOWER + UPPER, 34)}`),
  'openai-api-key': plain((r) => `sk-proj-${safe(r, ALNUM + '_-', 74)}T3BlbkFJ${safe(r, ALNUM + '_-', 74)}`),
  'anthropic-api-key': plain((r) => `sk-ant-api03-${safe(r, ALNUM + '_-', 93)}AA`),
  'age-secret-key': plain((r) => `AGE-SECRET-KEY-1${r.chars('QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L', 58)}`),
  'shopify-token': plain((r) => `shpat_${r.chars(HEX, 32)}`),
  'databricks-token': plain((r) => `dapi${r.chars(HEX, 32)}`),
  // Chat
  'slack-bot-token': plain((r) => `xoxb-${r.chars(DIGITS, 12)}-${r.chars(DIGITS, 13)}-${safe(r, ALNUM, 24)}`),
  'slack-user-token': plain((r) => `xoxp-${r.chars(DIGITS, 12)}-${r.chars(DIGITS, 12)}-${r.chars(DIGITS, 13)}-${r.chars(HEX, 32)}`),
  'slack-app-token': plain((r) => `xapp-1-A${r.chars(UPPER + DIGITS, 10)}-${r.chars(DIGITS, 13)}-${r.chars(HEX, 64)}`),
  'slack-webhook-url': plain(
    (r) => `https://hooks.slack.com/services/T${r.chars(UPPER + DIGITS, 8)}/B${r.chars(UPPER + DIGITS, 10)}/${safe(r, ALNUM, 24)}`,
  ),
  'discord-webhook-url': plain((r) => `https://discord.com/api/webhooks/${r.chars(DIGITS, 19)}/${safe(r, ALNUM + '_-', 68)}`),
  'teams-webhook-url': plain(
    (r) =>
      `https://contoso.webhook.office.com/webhookb2/${uuid(r)}@${uuid(r)}/IncomingWebhook/${r.chars(HEX, 32)}/${uuid(r)}`,
  ),
  'telegram-bot-token': plain((r) => `${r.chars(DIGITS, 10)}:AA${safe(r, ALNUM + '_-', 33)}`),
  'twilio-api-key': plain((r) => `SK${r.chars(HEX, 32)}`),
  'sendgrid-api-key': plain((r) => `SG.${safe(r, ALNUM + '_-', 22)}.${safe(r, ALNUM + '_-', 43)}`),
  'mailgun-api-key': plain((r) => `key-${r.chars(HEX, 32)}`),
  'mailchimp-api-key': plain((r) => `${r.chars(HEX, 32)}-us${1 + r.int(20)}`),
  // Payment
  'stripe-live-key': plain((r) => `sk_live_${safe(r, ALNUM, 99)}`),
  'stripe-restricted-key': plain((r) => `rk_live_${safe(r, ALNUM, 99)}`),
  'stripe-test-key': plain((r) => `sk_test_${safe(r, ALNUM, 99)}`),
  'stripe-webhook-secret': plain((r) => `whsec_${safe(r, ALNUM, 32)}`),
  'square-token': plain((r) => `EAAA${safe(r, ALNUM + '_-', 60)}`),
  'braintree-token': plain((r) => `access_token$production$${r.chars(LOWER + DIGITS, 16)}$${r.chars(HEX, 32)}`),
  'plaid-access-token': plain((r) => `access-production-${uuid(r)}`),
  'flutterwave-secret-key': plain((r) => `FLWSECK-${r.chars(HEX, 32)}-X`),
  // Package registries
  'npm-token': plain((r) => `npm_${safe(r, ALNUM, 36)}`),
  'pypi-token': plain((r) => `pypi-AgEIcHlwaS5vcmc${safe(r, ALNUM + '_-', 150)}`),
  'rubygems-api-key': plain((r) => `rubygems_${r.chars(HEX, 48)}`),
  'nuget-api-key': plain((r) => `oy2${r.chars(LOWER + DIGITS, 43)}`),
  'dockerhub-pat': plain((r) => `dckr_pat_${safe(r, ALNUM + '_-', 27)}`),
  'crates-io-token': plain((r) => `cio${safe(r, ALNUM, 32)}`),
  'clojars-token': plain((r) => `CLOJARS_${r.chars(LOWER + DIGITS, 60)}`),
  jwt: plain((r) => {
    const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = b64url(JSON.stringify({ sub: uuid(r), iss: 'https://auth.acme-internal.net', exp: 1900000000 + r.int(1e7) }));
    return `${header}.${payload}.${safe(r, B64URL, 43)}`;
  }),
  // Prefixes added for issue 10
  'gitlab-ci-build-token': plain((r) => `glcbt-${safe(r, ALNUM, 20)}`),
  'dynatrace-token': plain((r) => `dt0c01.${safe(r, UPPER + DIGITS, 24)}.${safe(r, UPPER + DIGITS, 64)}`),
  'planetscale-token': plain((r) => `pscale_tkn_${safe(r, ALNUM, 43)}`),
  'prefect-api-key': plain((r) => `pnu_${safe(r, ALNUM, 36)}`),
  'readme-api-key': plain((r) => `rdme_${safe(r, LOWER + DIGITS, 70)}`),
  'sendinblue-api-key': plain((r) => `xkeysib-${r.chars(HEX, 64)}-${safe(r, ALNUM, 16)}`),
  'shippo-api-token': plain((r) => `shippo_live_${r.chars(HEX, 40)}`),
  'typeform-token': plain((r) => `tfp_${safe(r, ALNUM + '_', 59)}`),
  'openshift-token': plain((r) => `sha256~${safe(r, B64URL, 43)}`),
  'easypost-api-key': plain((r) => `EZAK${safe(r, ALNUM, 54)}`),
  'duffel-token': plain((r) => `duffel_live_${safe(r, ALNUM, 43)}`),
  'infracost-api-key': plain((r) => `ico-${safe(r, ALNUM, 32)}`),
  'scalingo-token': plain((r) => `tk-us-${safe(r, B64URL, 48)}`),
  'supabase-token': plain((r) => `sbp_${r.chars(HEX, 40)}`),
  'onepassword-service-token': plain((r) => `ops_eyJ${safe(r, ALNUM + '+/', 300)}`),
  // Made-up passwords that spell the word password or secret (not placeholders for that).
  'password-with-word': plain((r) =>
    r.pick([
      () => `Hardcoded${r.pick(WORDS)}Password${r.chars(DIGITS, 2)}`,
      () => `${r.pick(WORDS).toLowerCase()}-secret-value${r.chars(DIGITS, 1)}`,
      () => `${r.pick(WORDS)}Secret!${r.chars(DIGITS, 3)}`,
    ])(),
  ),
  'aws-session-token': plain((r) => `FwoGZXIvYXdzE${safe(r, ALNUM, 20)}//////////wEa${safe(r, ALNUM + '+/', 200)}`),
  // Passwords and generic secrets
  password: plain(humanPassword),
  'hex-32': plain((r) => r.chars(HEX, 32)),
  'hex-40': plain((r) => r.chars(HEX, 40)),
  'hex-64': plain((r) => r.chars(HEX, 64)),
  'hex-128': plain((r) => r.chars(HEX, 128)),
  'base64-32': plain((r) => safe(r, B64, 43) + '='),
  'base64-48': plain((r) => safe(r, B64, 64)),
  'alnum-32': plain((r) => safe(r, ALNUM, 32)),
  uuid: plain(uuid),
  'django-secret-key': plain((r) => `django-insecure-${safe(r, LOWER + DIGITS + '!@%^&*(-_=+)', 50)}`),
  'django-secret-key-plain': plain((r) => safe(r, LOWER + DIGITS + '!@%^&*(-_=+)', 50)),
  'laravel-app-key': plain((r) => safe(r, B64, 43) + '='),
  'docker-auth': (r) => {
    const v = b64encode(`${r.pick(['deploy', 'ci-bot', 'svc-build', 'jenkins'])}:${humanPassword(r)}`);
    return { text: v, secret: v };
  },
  'basic-auth-header': (r) => {
    const v = b64encode(`${r.pick(['api', 'billing', 'reporter'])}:${safe(r, ALNUM, 20)}`);
    return { text: v, secret: v };
  },
  'filezilla-pass': (r) => {
    const v = b64encode(humanPassword(r));
    return { text: v, secret: v };
  },
  'winscp-password': plain((r) => `A35C${r.chars('0123456789ABCDEF', 60)}`),
  // Password hashes
  bcrypt: plain((r) => `$2b$12$${r.chars(CRYPT64, 53)}`),
  'bcrypt-2y': plain((r) => `$2y$10$${r.chars(CRYPT64, 53)}`),
  'sha512-crypt': plain((r) => `$6$${r.chars(CRYPT64, 16)}$${r.chars(CRYPT64, 86)}`),
  'sha256-crypt': plain((r) => `$5$${r.chars(CRYPT64, 16)}$${r.chars(CRYPT64, 43)}`),
  'md5-crypt': plain((r) => `$1$${r.chars(CRYPT64, 8)}$${r.chars(CRYPT64, 22)}`),
  apr1: plain((r) => `$apr1$${r.chars(CRYPT64, 8)}$${r.chars(CRYPT64, 22)}`),
  yescrypt: plain((r) => `$y$j9T$${r.chars(CRYPT64, 22)}$${r.chars(CRYPT64, 43)}`),
  argon2: plain((r) => `$argon2id$v=19$m=65536,t=3,p=4$${safe(r, ALNUM + '+/', 22)}$${safe(r, ALNUM + '+/', 43)}`),
  pbkdf2: plain((r) => `pbkdf2_sha256$870000$${safe(r, ALNUM, 22)}$${safe(r, ALNUM + '+/', 43)}=`),
  'htpasswd-sha': plain((r) => `{SHA}${safe(r, ALNUM + '+/', 27)}=`),
  'scram-sha-256': plain((r) => `SCRAM-SHA-256$4096:${safe(r, B64, 24)}$${safe(r, B64, 43)}=:${safe(r, B64, 43)}=`),
  'mysql-native': plain((r) => `*${r.chars('0123456789ABCDEF', 40)}`),
};

// ---------------------------------------------------------------------------------------------
// Private keys: random bodies behind the real prefixes of each format.

function pemLines(body: string, width = 64): string[] {
  const lines: string[] = [];
  for (let i = 0; i < body.length; i += width) lines.push(body.slice(i, i + width));
  return lines;
}

function pemBlock(r: Random, label: string, prefix: string, bodyLength: number, headers: string[] = []): Planted {
  const body = prefix + safe(r, B64, bodyLength - prefix.length - 2) + '==';
  const text = [`-----BEGIN ${label}-----`, ...headers, ...(headers.length ? [''] : []), ...pemLines(body), `-----END ${label}-----`].join('\n');
  return { text, secret: body };
}

export const KEY_GENERATORS: Record<string, Generator> = {
  'rsa-pkcs1': (r) => pemBlock(r, 'RSA PRIVATE KEY', 'MIIEpAIBAAKCAQEA', 1592),
  'rsa-pkcs1-encrypted': (r) =>
    pemBlock(r, 'RSA PRIVATE KEY', 'MIIEowIBAAKCAQEA', 1592, ['Proc-Type: 4,ENCRYPTED', `DEK-Info: AES-128-CBC,${r.chars('0123456789ABCDEF', 32)}`]),
  pkcs8: (r) => pemBlock(r, 'PRIVATE KEY', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ', 1624),
  'pkcs8-encrypted': (r) => pemBlock(r, 'ENCRYPTED PRIVATE KEY', 'MIIFHzBJBgkqhkiG9w0BBQ0wPDAbBgkqhkiG9w0BBQwwDgQI', 1700),
  ec: (r) => pemBlock(r, 'EC PRIVATE KEY', 'MHcCAQEEI', 164),
  dsa: (r) => pemBlock(r, 'DSA PRIVATE KEY', 'MIIBuwIBAAKBgQ', 600),
  openssh: (r) => pemBlock(r, 'OPENSSH PRIVATE KEY', 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW', 400),
  'openssh-encrypted': (r) =>
    pemBlock(r, 'OPENSSH PRIVATE KEY', 'b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABA', 464),
  pgp: (r) => {
    const body = 'lQOYBG' + safe(r, B64, 1800);
    const checksum = `=${safe(r, B64, 4)}`;
    const text = ['-----BEGIN PGP PRIVATE KEY BLOCK-----', '', ...pemLines(body), checksum, '-----END PGP PRIVATE KEY BLOCK-----'].join('\n');
    return { text, secret: body + checksum };
  },
  ssh2: (r) => {
    const body = 'P2/56wAAAi4AAAA3aWYtbW9kbntzaWdue3JzYS1wa2NzMS1zaGExfSxlbmNyeXB0e3JzYS1wa2NzMXYyLW9hZXB9fQ' + safe(r, B64, 700);
    const text = [
      '---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----',
      'Comment: "rsa-key-20240311"',
      ...pemLines(body, 70),
      '---- END SSH2 ENCRYPTED PRIVATE KEY ----',
    ].join('\n');
    return { text, secret: body };
  },
  'putty-v3': (r) => {
    const pub = 'AAAAC3NzaC1lZDI1NTE5AAAAI' + safe(r, B64, 43);
    const priv = 'AAAAI' + safe(r, B64, 39);
    const text = [
      'PuTTY-User-Key-File-3: ssh-ed25519',
      'Encryption: none',
      'Comment: eddsa-key-20240311',
      'Public-Lines: 2',
      ...pemLines(pub),
      'Private-Lines: 1',
      priv,
      `Private-MAC: ${r.chars(HEX, 64)}`,
    ].join('\n');
    return { text, secret: priv };
  },
  'putty-v2-encrypted': (r) => {
    const pub = 'AAAAB3NzaC1yc2EAAAABJQAAAQEA' + safe(r, B64, 344);
    const priv = safe(r, B64, 1200);
    const text = [
      'PuTTY-User-Key-File-2: ssh-rsa',
      'Encryption: aes256-cbc',
      'Comment: imported-openssh-key',
      'Public-Lines: 6',
      ...pemLines(pub),
      'Private-Lines: 19',
      ...pemLines(priv),
      `Private-MAC: ${r.chars(HEX, 40)}`,
    ].join('\n');
    return { text, secret: priv };
  },
};

/** A PEM block as one JSON string value (GCP service account files, Vault responses). */
export function pemAsJsonString(p: Planted): Planted {
  return { text: p.text.split('\n').join('\\n') + '\\n', secret: p.secret };
}

/** A PEM block base64-encoded as a whole (kubeconfig client-key-data, Kubernetes Secret data). */
export function pemAsBase64(p: Planted): Planted {
  const v = Buffer.from(p.text + '\n').toString('base64');
  return { text: v, secret: v };
}
