// Issue 10, recall and value analysis: each family the embedded scanner used to miss, one line
// each, and the look-alikes (code, paths, references, struct tags, UUIDs, regexes) it must not
// report. Values are generated or plainly made up; none is a real credential.
import { describe, expect, it } from 'vitest';
import { SecretEngine } from '../../src/scanners/gatehouse-secrets/engine.js';
import { ALNUM, Random } from './corpus-gen/values.js';

const engine = new SecretEngine();
const random = new Random(1010);
const scan = (text: string, path: string) => engine.scan(text, path);
/** The values found in `text`, in order. */
const found = (text: string, path: string) => scan(text, path).map((m) => m.secret);

const pw = 'Kx7-qvR2mZ'; // made up, password-shaped
const tok = `Zr${random.chars(ALNUM, 30)}9q`;

describe('recall: families the scanner missed', () => {
  it.each([
    ['names with a digit suffix', 'app.js', `static_password02 = '${pw}';`],
    ['upper case with a digit suffix', '.env', `PASSWORD1=${pw}`],
    ['db_password2', 'settings.py', `db_password2 = "${pw}"`],
    ['Go typed const', 'main.go', `const STATIC_TOKEN string = "${tok}"`],
    ['Go typed var', 'main.go', `\tvar p_password string = "${pw}"`],
    ['TypeScript annotation', 'db.ts', `const dbPassword: string = '${pw}';`],
    ['a value holding the word secret', 'sops.yaml', 'password: hardcoded-secret-value1'],
    ['a value holding the word password', '.gitlab-ci.yml', '  PASSWORD: HardcodedAdminPassword01'],
    ['Dockerfile ENV, space form', 'Dockerfile', `ENV APIKEY ${tok}`],
    ['Gradle password "x"', 'build.gradle', `        password "${pw}"`],
    ['Gradle named argument', 'build.gradle', `authentication(userName: "root", password: "${pw}")`],
    ['wget --http-password', 'fetch.sh', `wget --http-password=${pw} https://files.internal`],
    ['wget --proxy-password', 'fetch.sh', `wget --proxy-password=${pw} https://files.internal`],
    ['curl --proxy-user', 'fetch.sh', `    --proxy-user admin:${pw} \\`],
    ['curl --tlspassword', 'fetch.sh', `curl --tlspassword ${pw} https://files.internal`],
    ['mysql -p', 'backup.sh', `mysql -u root -p${pw} shop < dump.sql`],
    ['Terraform variable default', 'variables.tf', `variable "deploy_secret_token" {\n  description = "Deployment token"\n  default     = "${tok}"\n}`],
    ['nginx set', 'nginx.conf', `\tset $apikey ${tok};`],
    ['nginx header', 'nginx.conf', `\tproxy_set_header x-apikey ${tok};`],
    ['nginx Authorization Basic', 'nginx.conf', `\tproxy_set_header Authorization "Basic ${Buffer.from(`deploy:${pw}`).toString('base64')}";`],
    ['call arguments', 'client.py', `client.login('deploy', '${pw}')`],
    ['setter', 'Client.java', `config.setPassword("${pw}");`],
    ['SQL', 'init.sql', `CREATE USER app IDENTIFIED BY '${pw}';`],
    ['URL query parameter', 'uri.yml', `  - "jdbc:mysql://db/shop?user=admin&userpass=${pw}"`],
    ['YAML block scalar', 'values.yaml', `db:\n  password: |\n    ${pw}\n  user: app`],
    ['heredoc', 'main.tf', `  password = <<EOT\n${pw}\nEOT`],
    ['npmrc literal that starts with $', '.npmrc', `//registry.npmjs.org/:_authToken=$ecret-${tok}`],
    ['high entropy, no keyword', 'client.ts', `const upstream = { k: "${tok}" };`],
    ['redis-cli -a', 'ops.sh', `redis-cli -h cache -a ${pw} info`],
    ['a password name owned by a cache (not a cache key)', 'main.go', `\tvar cachePassword string = "${pw}"`],
    ['a newer provider prefix', '.env', `SUPABASE_ACCESS_TOKEN=sbp_${random.chars('0123456789abcdef', 40)}`],
    ['a percent-encoded password in a URL', 'settings.py', 'DATABASE_URL = "postgres://app:S3cr%21t9x%20q@db.internal/app"'],
    ['a bare token followed by a brace that is not a template', 'app.yml', 'api_token: q8ZrLmXwTb4NcVk7Hs2p{'],
    ['a URL\'s real password beside a port', '.env', 'DATABASE_URL=postgres://app:Granite!4821x@db.internal:5432/outline'],
    ['a decorator-style name', 'settings.ps1', '@password = "Granite!4821x"'],
    ['a password of a password manager\'s account', 'vault.ts', 'const lastpassPassword = "Granite!4821x";'],
    ['a password with an unclosed ${ in it', '.env', 'DB_PASSWORD=Vq7!rLz2${Kp9wXe4'],
    ['a password with an unclosed #{ in it', 'settings.yml', 'password: Vq7!rLz2#{Kp9wXe4'],
    ['a Ruby class variable', 'client.rb', '@@password = "Granite!4821x"'],
    ['a passphrase-style key', 'crypto.yml', 'encryption:\n  key: purpleMonkey42Dishwasher7Lamp'],
    ['a random value under a bare key', 'settings.yml', `key: ${random.chars(ALNUM, 24)}`],
    ['camel-looking but random under a bare key', 'settings.yml', 'key: q8ZrLmXwTb4NcVk7Hs2p'],
  ])('%s', (_label, path, text) => {
    expect(found(text, path).length, `${path}: ${text}`).toBeGreaterThan(0);
  });

  it('reads both names of a multiple assignment (Go, Python)', () => {
    const text = `const static_password02, static_password03 string = "hardcoded02", "hardcoded03"\nuser, user_password = "svc", "${pw}"\n`;
    expect(found(text, 'main.go')).toEqual(['hardcoded02', 'hardcoded03', pw]);
  });

  it('reads AWS JSON credential files: key id, secret and a session token with its slash run', () => {
    const session = `FwoGZXIvYXdzE${random.chars(ALNUM, 20)}//////////wEa${random.chars(ALNUM, 160)}`;
    const text = `{\n  "aws_id": "AKIAHI38FAKE1IWUQEEN",\n  "aws_token": "${session}"\n}\n`;
    expect(found(text, 'aws.json')).toEqual(['AKIAHI38FAKE1IWUQEEN', session]);
  });

  it('never captures past the end of the value: a netrc entry inside a string literal', () => {
    const text = `const NETRC = "machine api.internal login bob password ${pw}\\ndefault\\n";`;
    expect(found(text, 'setup.js')).toEqual([pw]);
  });
});

describe('value analysis: look-alikes that are not secrets', () => {
  it.each([
    ['protobuf struct tag', 'plan.pb.go', 'Variables map[string]*DynamicValue `protobuf:"bytes,2,rep,name=variables,proto3" protobuf_key:"bytes,1,opt,name=key" protobuf_val:"bytes,2,opt,name=value"`'],
    ['UUID under a key name', 'timeout.go', 'const TimeoutKey = "e2bfb730-ecaa-11e6-8f88-34363bc7c4c0"'],
    ['UUID under first_key', 'plan.json', '"first_key": "9E858021-953F-4DD3-8842-F2C782780422",'],
    ['a regular expression', 'config.yml', 'token_pattern: "^[A-Za-z0-9]{32}\\\\d+$"'],
    ['a block parameter default', 'Rakefile', 'mysql_args = lambda do |connection, exclude_user_password: false|'],
    ['code as a value', 'production.rb.tt', '  #   password: Rails.app.credentials.dig(:smtp, :password),'],
    ['a PowerShell cmdlet', 'win_user.ps1', '$password = Get-AnsibleParam -obj $params -name "password" -type "str"'],
    ['a path', 'vars.yml', '"S3Key": "ci/beanstalk/app/gitlab_ci_elasticbeanstalk-626-1313.war"'],
    ['an npm env reference', '.npmrc', '//registry.npmjs.org/:_authToken=${NPM_TOKEN}'],
    ['a Windows env reference', '.npmrc', '//registry.npmjs.org/:_authToken=%NPM_TOKEN%'],
    ['a brace template', '.npmrc', '//registry.npmjs.org/:_authToken={NPM_TOKEN}'],
    ['a SOPS encrypted value', 'sops.yaml', 'password: ENC[AES256_GCM,data:Tr3kq,iv:1=,aad:No=,tag:k=]'],
    ['a placeholder in angle brackets', '.env', 'SERVICE_API_TOKEN=<SERVICE_API_TOKEN>'],
    ['changeme', 'app.ini', 'password = changeme'],
    ['stars', 'app.ini', 'password = ********'],
    ['a repeated character', '.env', 'API_TOKEN=aaaaaaaaaaaaaaaaaaaaaaaa'],
    ['a name echo', 'db.yml', '#   DATABASE_URL="mysql2://myuser:mypass@localhost/somedatabase"'],
    ['a flag as a value', 'tasks.rb', '  password:  "--password",'],
    ['a CSRF token in docs', 'form_helper.rb', '#   <input name="authenticity_token" type="hidden" value="NrOp5bsjoLRuK8IW5+dQEYjKGUJDe7TQoZVvq95Wteg=" />'],
    ['call arguments that are not a literal pair', 'token.py', "    to_text(password, errors='surrogate_or_strict', nonstring='passthru') or '')"],
    ['a key list entry', 'base.yml', '  - {key: module_strict_utf8_response, section: defaults}'],
    ['a publishable key', 'cache.ts', `const stripe = "pk_live_${random.chars(ALNUM, 24)}";`],
    ['a git commit id', 'state.json', `"sha": "${random.chars('0123456789abcdef', 40)}"`],
    ['a table of encoded data', 'crc64.js', ['const T = [', ...Array.from({ length: 3 }, () => `  "${random.chars(ALNUM, 60)}",`), '];'].join('\n')],
    ['a signed cookie', 'cookies.rb', 'cookies[:favorite] = "BAhJIiE1LTItU3RhYmxlIENob2NvBjoGRVQ=--50bbdbf8d64f5a3ec3e54878f54d4f55"'],
    ['base64 of readable text', 'encode.ts', "expect(encode(url)).toBe('aHR0cDovL2dpdGh1Yi5jb20vaG9ub2pzL2hvbm8=')"],
    ['a cache key (index words rule out key names)', 'cache.py', `cache_key = "${random.chars(ALNUM, 30)}"`],
    ['an nginx variable and a realm', 'nginx.conf', "\tset $apikey '';\n\tproxy_set_header x-apikey $apikey;\n\tauth_basic \"Restricted\";"],
    ['a shell-expanded --user', 'Rakefile', 'args = ["--user=#{connection[:username]}"]'],
    ['a URL whose password spells "a secret", percent-encoded', '_urls.py', '    url = httpx.URL("HTTPS://jo%40email.com:a%20secret@m\u00fcller.de:1234/pa%20th?search=ab#anchorlink")'],
    ['a cache key going on into an Actions expression', 'action.yaml', '      with:\n        key: db-volumes-sentry-v3-${{ steps.cache_key.outputs.ARCH }}-${{ inputs.compose_profiles }}\n        restore-keys: |\n          key: db-volumes-sentry-v3-${{ steps.cache_key.outputs.ARCH }}'],
    ['a token going on into a Ruby interpolation', 'deploy.rb', 'api_token = prod-7f3kq9x2-#{ENV.fetch("SUFFIX")}'],
    ['a URL\'s user and host read as a name', '.env.development', 'DATABASE_URL=postgres://user:pass@127.0.0.1:5432/outline\nREPLICA=mysql://app:pwd@db.internal:3306/outline-test'],
    ['password managers named in an enum of passkey providers', 'passkeys.ts', 'export enum PasskeyBrand {\n  OnePassword = "bada5566-a7aa-401f-bd96-45619a55120d",\n  NordPass = "b84e4048-15dc-4dd0-8640-f4f60813c8af",\n  LastPass = "b78a0a55-6ef8-d246-a042-ba0f6d55050c",\n}\nconst names = {\n  [PasskeyBrand.OnePassword]: "1Password",\n};'],
    ['a camelCase name under a bare key', 'challenges.yml', '  key: web3SandboxChallenge\n  key: passwordStrengthChallenge'],
  ])('%s', (_label, path, text) => {
    expect(scan(text, path).map((m) => `${m.ruleId} ${m.severity}`)).toEqual([]);
  });

  it('reports doc examples in comments of program source at low severity, not high', () => {
    const text = `#   user = User.new(name: 'david', password: '${pw}')\n`;
    expect(scan(text, 'secure_password.rb').map((m) => m.severity)).toEqual(['low']);
    expect(scan(`user = User.new(name: 'david', password: '${pw}')\n`, 'seed.rb').map((m) => m.severity)).toEqual(['high']);
  });
});
