// The engine on small texts: what fires, what stays quiet, and the keyword automaton itself.
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretEngine } from '../../src/scanners/gatehouse-secrets/engine.js';
import { encodesPublicDer } from '../../src/scanners/gatehouse-secrets/value-checks.js';
import { KeywordMatcher } from '../../src/scanners/gatehouse-secrets/keyword-matcher.js';
import { classifySecretName } from '../../src/scanners/gatehouse-secrets/rules.js';
import { Random, ALNUM, HEX, B64, GENERATORS, KEY_GENERATORS } from './corpus-gen/values.js';

const engine = new SecretEngine();
const random = new Random(42);
const ghp = () => `ghp_${random.chars(ALNUM, 36)}`;

function scan(text: string, path = 'app/config.env') {
  return engine.scan(text, path);
}

describe('SecretEngine', () => {
  it('reports a provider token with its rule, line and column', () => {
    const token = ghp();
    const [match, ...rest] = scan(`# ci\nexport GH_TOKEN=${token}\n`, 'ci/env.sh');
    expect(rest).toEqual([]);
    expect(match).toMatchObject({ ruleId: 'github-pat', family: 'provider-token', severity: 'high', line: 2, column: 17, secret: token });
  });

  it('keeps the most specific rule when several match the same value', () => {
    const token = ghp();
    const matches = scan(`password=${token}\n`);
    expect(matches.map((m) => m.ruleId)).toEqual(['github-pat']);
  });

  it('reports every private key format once, on its first line', () => {
    for (const [name, gen] of Object.entries(KEY_GENERATORS)) {
      const key = gen(random);
      const matches = scan(`# key\n${key.text}\n`, `keys/${name}`);
      expect(matches, name).toHaveLength(1);
      expect(matches[0].family, name).toBe('private-key');
      expect(matches[0].line, name).toBeGreaterThanOrEqual(2);
      expect(matches[0].secret, name).toBe(key.secret);
    }
  });

  it('does not report an unterminated key block, and gets through one quickly enough to return', () => {
    // 40 escaped lines and no END line: an ambiguous expression would backtrack 2^40 times here.
    const body = Array.from({ length: 40 }, () => random.chars(B64, 64)).join('\\n');
    expect(scan(`{"private_key": "-----BEGIN PRIVATE KEY-----\\n${body}\\n"}\n`, 'sa.json')).toEqual([]);
  });

  it('finds credentials in developer-tool files by their format', () => {
    const password = 'Quartz!8812';
    expect(scan(`machine api.example.net login ops password ${password}\n`, 'home/.netrc')[0].ruleId).toBe('netrc-password');
    expect(scan(`db.acme.net:5432:orders:app:${password}\n`, 'home/.pgpass')[0].ruleId).toBe('pgpass-password');
    expect(scan(`<Pass encoding="base64">${Buffer.from(password).toString('base64')}</Pass>\n`, 'sitemanager.xml')[0].ruleId).toBe(
      'filezilla-password',
    );
    const auth = Buffer.from(`deploy:${password}`).toString('base64');
    expect(scan(`{"auths":{"ghcr.io":{"auth":"${auth}"}}}\n`, '.docker/config.json')[0].ruleId).toBe('docker-config-auth');
    expect(scan(`//registry.npmjs.org/:_auth=${auth}\n`, '.npmrc')[0].ruleId).toBe('npmrc-auth');
  });

  it('finds URL and connection-string passwords and password hashes', () => {
    expect(scan('DATABASE_URL=postgres://app:Harbor#4412@db.acme.net:5432/app\n')[0]).toMatchObject({ ruleId: 'url-credentials', secret: 'Harbor#4412' });
    // A label-key look-alike whose name part is random, and a secret of capitalised words with a digit: still secrets.
    expect(scan('api_key: acme.io/x9k2mq7vz3\n', 'app/config.yml')).toHaveLength(1);
    expect(scan('auth_token: "PurpleMonkey7Dishwasher"\n', 'app/config.yml')).toHaveLength(1);
    // Capitalised words without a word names are made of: a passphrase, kept (review31b). A label
    // key's name part of random words with digits: kept.
    for (const line of ['JWT_SECRET=PurpleElephantDancingMoonlight', 'api_key: "prod_GreenTurtleSwimmingFast"', 'secret: "acme.co/xk9mq-zp4rt-wv7ny"'])
      expect(scan(`${line}\n`, 'app/config.yml'), line).toHaveLength(1);
    // Upper-case words with a digit where a URL's password goes, and passphrases of capitalised
    // words that hold a name's word (review31): values, not names.
    for (const [line, secret] of [
      ['DATABASE_URL=postgres://app:HARBOR_4412@db.acme.net:5432/app', 'HARBOR_4412'],
      ['amqp_url = "amqp://svc:X9K2Q7_ZT4M8@rabbit.acme.net:5672/"', 'X9K2Q7_ZT4M8'],
      ['password = "Brave-New-World"', 'Brave-New-World'],
      ['ADMIN_PASSWORD: "Salt-And-Pepper"', 'Salt-And-Pepper'],
    ]) expect(scan(`${line}\n`, 'app/settings.py').map((f) => f.secret), line).toEqual([secret]);
    // Next to what stays quiet in Ansible templates: a role's variable given a literal, a sudo
    // password, a stand-in word with a symbol, a passphrase of lower-case words (`__` is no name).
    for (const [line, secret] of [
      ['mosquitto__password: "Xk93hfk2Lq!"', 'Xk93hfk2Lq!'],
      ['ansible_become_password: "Sudo#Harbor77"', 'Sudo#Harbor77'],
      ['"pass": "bar_foo#2291"', 'bar_foo#2291'],
      ['mysql_pass: "YourMom#Harbor77"', 'YourMom#Harbor77'],
      ['password: "YourPurpleElephantDances"', 'YourPurpleElephantDances'],
      ['password = "meadow__harbor__lantern"', 'meadow__harbor__lantern'],
    ]) expect(scan(`${line}\n`, 'roles/app/templates/settings.yml.j2').map((f) => f.secret), line).toEqual([secret]);
    // Capitalised words joined by hyphens, none a name's word: a passphrase.
    expect(scan('password = "Correct-Horse-Battery-Staple"\n', 'app/settings.py')).toHaveLength(1);
    expect(scan('REDIS_URL=redis://default:Harbor_4412@cache:6379\n')[0]).toMatchObject({ ruleId: 'url-credentials', secret: 'Harbor_4412' });
    const refresh = '1//0FQgLtAD4ASgAAARUjESM1BgYjIiYnIxYVFAYGIyImJjU0NjYzITI2NT';
    expect(scan(`"refresh_token": "${refresh}",\n`)[0]).toMatchObject({ ruleId: 'gcp-oauth-refresh-token', secret: refresh });
    expect(scan(`GOOGLE_REFRESH_TOKEN=${refresh}\n`)[0]).toMatchObject({ ruleId: 'gcp-oauth-refresh-token', secret: refresh });
    expect(scan('"Server=sql;Database=x;User Id=u;Password=Walnut%9921;"\n', 'appsettings.json')[0].ruleId).toBe('connection-string-password');
    const hash = GENERATORS['sha512-crypt'](random).secret;
    expect(scan(`root:${hash}:19612:0:99999:7:::\n`, 'etc/shadow')[0]).toMatchObject({ ruleId: 'sha512-crypt-hash', secret: hash });
  });

  it('reports generic high-entropy values by their shape', () => {
    const hex = random.chars(HEX, 64);
    const b64 = random.chars(B64, 44);
    expect(scan(`SIGNING_KEY=${hex}\n`)[0].ruleId).toBe('generic-high-entropy-hex');
    expect(scan(`session_secret: "${b64}"\n`, 'config.yml')[0].ruleId).toBe('generic-high-entropy-base64');
  });

  it('stays quiet on placeholders, references, examples and non-secret names', () => {
    const quiet = [
      'GITHUB_TOKEN=<your-token>',
      'API_KEY=xxxxxxxxxxxxxxxxxxxxxxxx',
      'password: changeme',
      'DB_PASSWORD=${DB_PASSWORD}',
      'token: ${{ secrets.NPM_TOKEN }}',
      'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE',
      'password = os.environ["DB_PASSWORD"]',
      'password_min_length = 12',
      'public_key = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE4lTxuuu8Bp2pHbRg"',
      'cache_key = "user-profile-v2"',
      'password: cGFzc3dvcmQ=',
      'const testToken = "ghp_000000000000000000000000000000000000"',
      'DATABASE_URL=postgres://app:app@localhost:5432/app',
      'url = "https://user:pass@example.com/x"',
      'app.api-key=ENC(XyZ1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R9s0T=)',
      // Code quoted inside JSON (a SARIF snippet): the escaped newline ends the value.
      String.raw`"text": "    const newPassword = body.new\n    const repeat = body.repeat\n"`,
      // Documentation tokens (octokit READMEs) and a Basic header over "1234567890abcdef:...".
      'token: "ghp_PersonalAccessToken01245678900000000"',
      '"authorization": "basic MTIzNDU2Nzg5MGFiY2RlZjEyMzQ6MTIzNDU2Nzg5MGFiY2RlZjEyMzQ1Njc4OTBhYmNkZWYxMjM0NTY3OA=="',
      // A dependency catalog (pnpm-workspace.yaml of create-t3-turbo) and package.json: versions of
      // packages whose names hold a secret word.
      '  better-auth: 1.4.0-beta.9',
      '  "jsonwebtoken": "9.0.2-next.12",',
      '    "@acme/auth": "workspace:^0.1.0",',
      '    "next-auth-jose": "npm:jose@5.2.0-beta.1",',
      // A DSN's documented form: variables' names where the credentials go (appwrite's variables.php).
      "'description' => 'set a DSN such as `sentry://PROJECT_ID:SENTRY_API_KEY@SENTRY_HOST/`',",
      'REDIS_URL=redis://default:REDIS_PASSWORD@cache:6379',
      // A Kubernetes label key with a number inside a word (kube-prometheus-stack's affinity example),
      // an IAM action (terraform-aws-eks), a password that only says it is another one (ipmi exporter).
      '      - key: kubernetes.io/e2e-az-name',
      '      actions   = ["eks-auth:AssumeRoleForPodIdentity"]',
      '    pass: "another_pw"',
      // debops' Ansible role templates: sudoers' NOPASSWD tag, a role's variable (`role__name`) as the
      // value of a Jinja `set`, a programmers' stand-in password.
      '        printf "%s ALL = (ALL:ALL) NOPASSWD: SETENV: ALL\\n" "${PRESEED_ADMIN_NAME}" \\',
      '{% set mosquitto__tpl_password = mosquitto__password %}',
      '                 "password": snmpd__tpl_password} %}',
      '                  "pass": "bar_foo"',
      // Switches that ask for a password or say there is none, and a value to fill in (debops).
      '            /bin/systemctl --no-ask-password daemon-reload',
      'ansible-playbook --ask-vault-pass deploy-2024',
      "      - name: 'xmail_pass'\n        value: 'YourXmailControlPass'",
      '  secret: v1_SecretProjection',
      '  serviceAccountToken: v1_ServiceAccountTokenProjection',
      // HTTP headers' names (minio's internal/http/headers.go).
      '\tAmzSecurityToken        = "X-Amz-Security-Token"',
      'const API_KEY_HEADER = "X-API-Key";',
      // A font embedded in an SVG as base64: `1//0` is four of its letters, not a refresh token.
      'src: url("data:font/ttf;base64,AAAAv/1//0FQgLtAD4ASgAAARUjESM1BgYjIiYnIxYVFAYGIyImJjU0NjYzITI2NTQmIyIGFRQXIyY1NDchNSE")',
    ];
    for (const line of quiet) expect(scan(`${line}\n`), line).toEqual([]);
  });

  it("reads a shell expansion's alternative or error word as no value, and its default as one", () => {
    // The Maven wrapper (mvnw, in every Maven project; retail-store-sample-app had three): the word
    // after :+ is what the expansion gives when the variable is set, not its value.
    expect(scan('case "${MVNW_PASSWORD:+has-password}" in\n', 'services/cart/mvnw')).toEqual([]);
    expect(scan('  : ${DEPLOY_TOKEN:?set-DEPLOY_TOKEN-first}\n', 'scripts/deploy.sh')).toEqual([]);
    // A default after :- or := is a literal written into the file: still a secret.
    expect(scan('export API_SECRET=${API_SECRET:-k3J9xQ2mV8pL4nR7tY1w}\n', 'scripts/run.sh')).toHaveLength(1);
    expect(scan('DB_PASSWORD=${DB_PASSWORD:=Meadow?2231}\n', 'scripts/run.sh')).toHaveLength(1);
  });

  it('leaves signatures and public keys (DER, base64) alone, never a private key', () => {
    // sigstore-js's test bundles: "signature": "MEUCI…" and "publicKey": "MFkwEwYH…" as high-entropy strings.
    const values: string[] = [];
    for (let i = 0; i < 10; i++) {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const signature = sign('sha256', Buffer.from(`bundle ${i}`), privateKey).toString('base64');
      values.push(signature, signature.replace(/\+/g, '-').replace(/\//g, '_'), publicKey.export({ type: 'spki', format: 'der' }).toString('base64'));
      // A private key's DER, bare or in PKCS#8, never reads as public.
      for (const type of ['sec1', 'pkcs8'] as const) expect(encodesPublicDer(privateKey.export({ type, format: 'der' }).toString('base64')), type).toBe(false);
    }
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    values.push(rsa.publicKey.export({ type: 'pkcs1', format: 'der' }).toString('base64'));
    expect(encodesPublicDer(rsa.privateKey.export({ type: 'pkcs1', format: 'der' }).toString('base64'))).toBe(false);
    const fixture = values.map((v, i) => `  "signature${i}": "${v}",`).join('\n\n\n');
    expect(values.filter((v) => !encodesPublicDer(v))).toEqual([]);
    expect(scan(`${fixture}\n`, 'packages/verify/src/bundles.ts')).toEqual([]);
  });

  it("reads a Helm chart's values naming a Kubernetes Secret as a name, and a description or a bogus value as no password", () => {
    // GitLab's chart (charts/gitlab/charts/*/values.yaml, values.yaml): Secret references beside
    // their key, the docs' RELEASE- prefix, an upgrade's stand-in, a commented LDAP example.
    for (const [text, path] of [
      ['      # - secret: gitlab-google-oauth2\n      #   key: provider\n', 'charts/gitlab/charts/sidekiq/values.yaml'],
      ['      # secret: RELEASE-gitlab-license\n', 'values.yaml'],
      ['    # secret: RELEASE_NAME-registry-database-password\n', 'charts/registry/values.yaml'],
      ['    secretName: gitlab-registry-tls\n', 'deploy/helm/values-prod.yaml'],
      ['    password: bogus-satisfy-upgrade\n', 'values.yaml'],
      ["      #   password: '_the_password_of_the_bind_user'\n", 'values.yaml'],
    ]) expect(scan(text, path), text).toEqual([]);
    // Outside a chart's values the same value is a secret; in them, a random value, a UUID and a
    // numbered phrase stay secrets, and a description needs its article and a name's word.
    for (const [text, path] of [
      ['  secret: gitlab-google-oauth2\n', 'config/app.yml'],
      ['  secret: x8Kq2mZ7vL3pR9tW\n', 'values.yaml'],
      ['  secret: 9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d\n', 'charts/api/values.yaml'],
      ['  secret: purple-monkey-dishwasher-42\n', 'values.yaml'],
      ['  password: "the_password_of_bob_2024"\n', 'config/app.yml'],
      // review32c: a digit inside a word (a password manager's passphrase, leetspeak), a file
      // outside a chart or named for the secrets, another key's case or a dotted key, a name
      // that only holds `bogus`.
      ['  secret: unbent-scorn4-gusty\n', 'values.yaml'],
      ['  secret: harbor-core-s3cret\n', 'charts/harbor/values.yaml'],
      ['  secret: correct-horse7-battery-staple\n', 'charts/app/values.yaml'],
      ['  secret: gitlab-google-oauth2\n', 'src/values.yaml'],
      ['  secret: gitlab-google-oauth2\n', 'charts/app/values-secrets.yaml'],
      ['  SECRET: gitlab-google-oauth2\n', 'values.yaml'],
      ['  jwt.secret: gitlab-google-oauth2\n', 'values.yaml'],
      ['DB_PASSWORD=Boguslaw#1985\n', '.env'],
    ]) expect(scan(text, path), text).toHaveLength(1);
  });

  it('requires a quoted literal in program source', () => {
    expect(scan('const password = req.body.password;\n', 'src/login.ts')).toEqual([]);
    // Bicep (contoso-real-estate's infra/): a bare word is a parameter reference, a literal is quoted.
    expect(scan('    administratorLoginPassword: sqlAdminPassword\n', 'infra/sqlserver.bicep')).toEqual([]);
    expect(scan("      {\n        name: 'database-password'\n        value: databasePassword\n      }\n", 'infra/app/cms.bicep')).toEqual([]);
    expect(scan("    administratorLoginPassword: 'Meadow?2231'\n", 'infra/sqlserver.bicep')).toHaveLength(1);
    // A name/value entry in program source: the bare value is a variable.
    expect(scan("env.push({ name: 'DB_PASSWORD', value: dbPasswordFromVault })\n", 'deploy/task.ts')).toEqual([]);
    expect(scan('const password = "Meadow?2231";\n', 'src/login.ts')).toHaveLength(1);
    // A stylesheet (yas's Keycloak login theme): a selector's pseudo-class after [type="password"] is no value.
    expect(scan('.box input[type="password"]:-webkit-autofill {\n', 'theme/login/resources/css/login.css')).toEqual([]);
    expect(scan('input[type=password]:placeholder-shown { color: grey }\n', 'src/styles/form.scss')).toEqual([]);
    expect(scan('$db-password: "Meadow?2231";\n', 'src/styles/form.scss')).toHaveLength(1);
  });

  it("reads C#'s private fields and object initializers as code, not as .npmrc keys or connection strings (EdwinVW/pitstop)", () => {
    const cs = 'src/Infrastructure.Messaging/RabbitMQMessageHandler.cs';
    expect(scan('        _password = password;\n', cs)).toEqual([]);
    expect(scan('        _password = configSection["Password"];\n', cs)).toEqual([]);
    expect(scan('var factory = new ConnectionFactory() { VirtualHost = _virtualHost, UserName = _username, Password = _password, Port = _port };\n', cs)).toEqual([]);
    expect(scan('client.Credentials = new NetworkCredential("_username", "_password");\n', cs)).toEqual([]);
    // What these rules are for still fires: a scoped npm key written from code, a connection string
    // literal in code, a credential literal, and an unscoped key in an .npmrc.
    expect(scan('fs.writeFileSync(".npmrc", "//registry.npmjs.org/:_authToken=Zq8vT2pLmN4xR7sK1wYb");\n', 'scripts/publish.js').map((m) => m.ruleId)).toContain('npmrc-auth');
    expect(scan('_password=Zq8vT2pLmN4xR7sK1wYb\n', '.npmrc').map((m) => m.ruleId)).toEqual(['npmrc-auth']);
    expect(scan('var cs = "Server=db;Database=shop;User Id=sa;Password=Meadow?2231;";\n', cs).map((m) => m.ruleId)).toEqual(['connection-string-password']);
    expect(scan('client.Credentials = new NetworkCredential("mailer", "Meadow?2231");\n', cs).map((m) => m.ruleId)).toEqual(['call-argument-credential']);
    // A review's must-fire lines: an .npmrc in a README and in a JS template literal, a connection
    // string continued on its own line and one in a comment, a passphrase with a leading underscore.
    const b64 = Buffer.from('svc:Kd8vTq2LmZ4xR7sKwYbN').toString('base64');
    expect(scan(`\`\`\`ini\n_auth = ${b64}\n\`\`\`\n`, 'README.md').map((m) => m.ruleId)).toContain('npmrc-auth');
    expect(scan(`const npmrc = \`registry=https://nexus.example.com/\n_auth=${b64}\n\`;\n`, 'scripts/npmrc.js').map((m) => m.ruleId)).toContain('npmrc-auth');
    expect(scan('var cs = @"Server=prod;Database=Orders;\n    User Id=svc;Password=Kd8vTq2LmZ4xR7sKwYbN;";\n', 'src/Db.cs').map((m) => m.ruleId)).toContain('connection-string-password');
    expect(scan('// prod: Server=db;User Id=sa;Password=Kd8vTq2LmZ4xR7sKwYbN;\n', 'src/Db.cs').map((m) => m.ruleId)).toContain('connection-string-password');
    expect(scan('DB_PASSWORD=_correct_horse_battery_staple\n', 'deploy/.env')).toHaveLength(1);
  });

  it('ignores lockfile integrity hashes and generic matches in minified assets, not token shapes', () => {
    const integrity = `sha512-${random.chars(B64, 86)}==`;
    expect(scan(`  integrity ${integrity}\n  token "${random.chars(ALNUM, 32)}"\n`, 'web/yarn.lock')).toEqual([]);
    const token = ghp();
    const bundle = `var a={apiKey:"${random.chars(ALNUM, 24)}",t:"${token}"};`.repeat(1) + 'x'.repeat(3000);
    const matches = scan(bundle, 'dist-assets/app.min.js');
    expect(matches.map((m) => m.ruleId)).toEqual(['github-pat']);
  });

  it('reads CUE and Swift string interpolation as a reference and a DNS-prefixed annotation key as a name (stefanprodan/podinfo)', () => {
    expect(scan('\t\t\t\t"password": "\\#(password)",\n', 'timoni/podinfo/cue.mod/pkg/timoni.sh/core/v1alpha1/image.cue')).toEqual([]);
    expect(scan('password: "\\(secret.value)"\n', 'templates/secret.cue')).toEqual([]);
    expect(scan('let password = "\\(config.password)"\n', 'Sources/App/Database.swift')).toEqual([]);
    expect(scan('#ImagePolicyFailedOpenKey: "alpha.image-policy.k8s.io/failed-open"\n', 'cue.mod/gen/k8s.io/api/core/v1/annotation_key_constants_go_gen.cue')).toEqual([]);
    // Literal values under the same names still fire.
    expect(scan('\t\t\t\t"password": "Meadow?2231",\n', 'templates/image.cue').map((m) => m.ruleId)).toEqual(['generic-password']);
    expect(scan('#SigningKey: "k8Zq2vT9pLmN4xR7sK1wYbQ3"\n', 'templates/keys.cue')).toHaveLength(1);
    // An adversarial review's must-fire values: a password holding `\(`, a secret around an
    // interpolation, and secrets shaped like host.tld/path.
    const fires = (line: string, path: string) => expect(scan(line, path), `${path}: ${line}`).toHaveLength(1);
    fires('localhost:5432:shop:app:Xk9\\(mQ2vL7pR\n', '.pgpass');
    fires('machine api.example.com login ci password Xk9\\(mQ2vL7pR\n', '.netrc');
    fires('<password>Xk9\\(mQ2vL7pR</password>\n', 'conf/app.xml');
    fires("      POSTGRES_PASSWORD: 'Xk9\\(mQ2vL7pR'\n", 'docker-compose.yml');
    fires('let apiKey = "k8Zq2vT9pLmN4xR7sK1wYbQ3\\(suffix)"\n', 'Sources/App/Keys.swift');
    fires('webhook_secret: "discord.com/api/webhooks/1122334455/Zq8k2vT9pLmN4xR7sK1wYbQ3aZq8k2vT9pLmN4x"\n', 'config/alerts.yml');
    fires('client_secret: "prod.acme/k8Zq2vT9pLmN4xR7sK1wY"\n', 'config/app.yml');
    fires('api_key: "svc.io/zq8k2vt9plmn4xr7sk1wybq3a"\n', 'config/app.yml');
  });

  it("reads a value written as JSON unicode escapes only, or a word in letters of any script, as text, not a password (umami-software/umami)", () => {
    expect(scan('  "PW": "\\u30d1\\u30e9\\u30aa",\n', 'public/intl/country/ja-JP.json')).toEqual([]);
    expect(scan('  "PW": "\\u1353\\u120b\\u12cd",\n', 'public/intl/country/am-ET.json')).toEqual([]);
    // A translation's word for password, in letters of its own script.
    for (const word of ['Contraseña', 'Loyniorð', 'Jelszó', 'Lösenord']) expect(scan(`    "password": "${word}",\n`, 'public/intl/messages/xx-XX.json'), word).toEqual([]);
    expect(scan('    "password": "Lösenord2024!",\n', 'config/app.json')).toHaveLength(1);
    // A password with an escape inside it is still a password.
    expect(scan('  "password": "Xk9\\u0041mQ2vL7pR",\n', 'config/app.json')).toHaveLength(1);
  });

  it('marks matches on lines with gitleaks:allow or gatehouse:allow', () => {
    const matches = scan(`A=${ghp()} # gitleaks:allow\nB=${ghp()} // gatehouse:allow\nC=${ghp()}\n`);
    expect(matches.map((m) => m.inlineAllowed)).toEqual([true, true, false]);
  });
});

describe('classifySecretName', () => {
  it('reads the kind of credential from an assignment name', () => {
    expect(classifySecretName('DB_PASSWORD')).toBe('password');
    expect(classifySecretName('spring.datasource.password')).toBe('password');
    expect(classifySecretName('apiKey')).toBe('secret');
    expect(classifySecretName('STRIPE_KEY')).toBe('weak-key');
    expect(classifySecretName('password_reset_url')).toBeUndefined();
    expect(classifySecretName('publicKey')).toBeUndefined();
    expect(classifySecretName('nextPageToken')).toBeUndefined();
  });
});

describe('KeywordMatcher', () => {
  it('finds the same keyword occurrences as a naive search, case-insensitively', () => {
    const keywords = ['key', 'api_key', 'token', 'ghp_', 'pass', 'password', '://', '$2b$', 'a'];
    const matcher = new KeywordMatcher(keywords);
    const rnd = new Random(7);
    for (let round = 0; round < 20; round++) {
      const text = Array.from({ length: 200 }, () => rnd.pick([...keywords, 'KEY', 'PassWord', ' ', 'é', 'x', 'ke', 'y'])).join('');
      const found: string[] = [];
      matcher.scan(text, (k, end) => found.push(`${k}@${end}`));
      const expected: string[] = [];
      const lower = text.toLowerCase();
      for (let end = 1; end <= text.length; end++) {
        keywords.forEach((kw, k) => {
          if (end >= kw.length && lower.slice(end - kw.length, end) === kw) expected.push(`${k}@${end}`);
        });
      }
      expect(found.sort()).toEqual(expected.sort());
    }
  });
});
