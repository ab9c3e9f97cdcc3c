// Judging a candidate value: is it random enough, is it a placeholder or a reference to somewhere
// else (an environment variable, a template), does the name it is assigned to say "secret"?
// These checks are what keeps the generic rules quiet on docs, examples and ordinary code.

/** Shannon entropy in bits per character. */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

// Words that mark a value as a stand-in, not a credential (case-insensitive, anywhere in the value).
const PLACEHOLDER_WORDS = [
  'example',
  'sample',
  'placeholder',
  'changeme',
  'change_me',
  'change-me',
  'changethis',
  'your_',
  'your-',
  'yourtoken',
  'yourpassword',
  'yoursecret',
  'yourkey',
  'dummy',
  'redacted',
  'replace_me',
  'replaceme',
  'replace-me',
  'insert_',
  'insert-',
  'notreal',
  'not_real',
  'not-real',
  'not-a-real',
  'not_a_real',
  'notasecret',
  'not-a-secret',
  'fakefake',
  'lorem',
  'xxxx',
  'xxx-',
  '****',
  '....',
  '…',
  '<',
  '>',
  'todo',
  'fixme',
  'secret-here',
  'token-here',
  'key-here',
  '_here',
  'goes-here',
  'goeshere',
  'keyboard cat',
];

// Whole values that are defaults, words or types rather than credentials.
const PLACEHOLDER_VALUES = new Set([
  'password',
  'passwd',
  'pass',
  'secret',
  'secrets',
  'token',
  'key',
  'apikey',
  'api_key',
  'admin',
  'root',
  'guest',
  'user',
  'username',
  'postgres',
  'mysql',
  'redis',
  'mongo',
  'rabbitmq',
  'default',
  'test',
  'testing',
  'tests',
  'demo',
  'none',
  'null',
  'nil',
  'undefined',
  'empty',
  'true',
  'false',
  'yes',
  'no',
  'on',
  'off',
  'required',
  'optional',
  'string',
  'str',
  'int',
  'number',
  'boolean',
  'bool',
  'object',
  'hidden',
  'masked',
  'secure',
  'sensitive',
  'abc123',
  '123456',
  'qwerty',
  'letmein',
  'p@ssw0rd',
  'passw0rd',
  's3cr3t',
  'foo',
  'bar',
  'baz',
  'foobar',
]);

// Programmers' stand-in words only (`bar_foo`, `foo-bar-baz`, `FooBar1`): debops' etherpad settings
// template sets an SMTP `"pass": "bar_foo"` for `foo@example.com`.
const METASYNTACTIC = /^(?:foo|bar|baz|qux|quux)(?:[-_.]?(?:foo|bar|baz|qux|quux))+\d{0,3}$/i;

// Capitalised words after `Your` that end in what the value is, letters only: what to fill in
// (`YourXmailControlPass`: debops' roundcube defaults). Other words are a passphrase
// (`YourHorseBatteryStaple`); a digit or a symbol makes it a password (`YourMom#Harbor77`).
const YOUR_CAMEL = /^Your(?:[A-Z][a-z]+)*(?:Pass|Password|Passwd|Pwd|Passphrase|Key|Token|Secret|Credentials?)$/;

// `bogus` as a word of its own (`bogus-satisfy-upgrade`: GitLab's chart), not inside one (`Boguslaw#1985`).
const BOGUS_WORD = /(?:^|[-_.])bogus(?:[-_.]|$)/i;

/**
 * A description of what goes there, in snake case: a name's word and `the`, `of` or `for`
 * (`_the_password_of_the_bind_user`: GitLab's chart, a commented LDAP example).
 */
function describesValue(value: string): boolean {
  if (!/^_*[a-z]+(?:_[a-z]+){2,}_*$/.test(value)) return false;
  const words = value.replace(/^_+|_+$/g, '').split('_');
  return words.some((w) => w === 'the' || w === 'of' || w === 'for') && hasNameWord(words);
}

// References to a value kept elsewhere: environment, templates, secret stores, encrypted values.
// A whole value that is one `\(name)` or `\#(name)`: string interpolation in Swift and CUE (a CUE
// module's own templates: stefanprodan/podinfo). Anchored: a password holding `\(` is a password.
const REFERENCE_PATTERN =
  /^\\#*\([A-Za-z_][\w.]*\)$|\$\{|\$\(|\{\{|\}\}|%\(|#\{|@\{|<%|%>|\$[A-Za-z_][A-Za-z0-9_]*$|^\$[A-Za-z_]|process\.env|os\.environ|getenv|ENV\[|env\(|secrets\.|vault:|ENC\(|ENC\[|^!vault|^arn:|^projects\/|^sm:\/\/|^op:\/\/|^ssm:|^\{cipher\}|^%[sd]$|^\{\d*\}$|^\{\}$|^\?+$|^\{\s*[\w.-]+\s*\}$|^%[A-Za-z_][\w()-]*%$|^%env\(|^\[\[[\w.\s-]+\]\]$|^@[A-Za-z_][\w.]*@$|^__[A-Z][A-Z0-9_]*__$/i;

/** A stand-in or a reference to a value kept elsewhere (for values found by a key name). */
export function isPlaceholder(value: string): boolean {
  return REFERENCE_PATTERN.test(value) || isFillerValue(value);
}

/**
 * A stand-in value: placeholder words, default words, too few distinct characters, a keyboard
 * walk. Used alone for fixed-shape tokens and hashes, where `$` and `{` are part of the format.
 */
export function isFillerValue(value: string): boolean {
  if (PLACEHOLDER_VALUES.has(value.toLowerCase()) || hasStandInWord(value) || METASYNTACTIC.test(value) || YOUR_CAMEL.test(value) || describesValue(value) || BOGUS_WORD.test(value)) return true;
  // One character repeated, or very few distinct characters in a long value (0000..., aaaa...),
  // or one character making up most of it (ghp_000000...).
  if (distinctChars(value) <= Math.min(3, Math.ceil(value.length / 4))) return true;
  if (value.length >= 12 && mostFrequentShare(value) > 0.5) return true;
  if (encodesFiller(value)) return true;
  if (isMostlySequential(value)) return true;
  return false;
}

/** A word that marks a stand-in ("dummy", "changeme", "your-token-here"), anywhere in the value. */
export function hasStandInWord(value: string): boolean {
  const lower = value.toLowerCase();
  for (const word of PLACEHOLDER_WORDS) if (lower.includes(word)) return true;
  return false;
}

/**
 * Six or more of the same character in a row: never in a generated token (ghp_Personal...00000000).
 * Not for key bodies: DER and OpenSSH encodings hold runs of zero bytes (AAAAAA).
 */
export function hasRepeatedRun(value: string): boolean {
  if (value.length < 64) return /(.)\1{5}/.test(value);
  // Long generated values (AWS session tokens hold `//////////`): only when runs are a good part of it.
  let repeated = 0;
  for (const m of value.matchAll(/(.)\1{5,}/g)) repeated += m[0].length;
  return repeated > value.length / 8;
}

// Words that, alone or around a password word, make a value a stand-in: `mypass`, `cachepass`,
// `supersecret`, `secret123`, `my-api-token`. A value that merely contains such a word
// (`HardcodedAdminPassword01`, `hardcoded-secret-value1`) is not one.
const ECHO_PREFIX = '(?:my|your|our|the|some|a|an|another|other|db|cache|app|admin|user|users|root|super|secret|test|dummy|fake|sample|example|default|new|old|foo|bar|api|access|auth|private|secure|strong|random|very|long|good|bad|wrong|correct|valid|invalid)';
const ECHO_WORD = '(?:pass|passwd|password|passphrase|pwd|pw|secret|token|key|apikey|api[-_.]?key|access[-_.]?token|auth[-_.]?token)';
const NAME_ECHO = new RegExp(`^(?:${ECHO_PREFIX}[-_.]?){0,2}${ECHO_WORD}(?:[-_.]?(?:\\d{1,3}|here|value|string|goes[-_.]?here|123|1234|12345))?[!?.]?$`, 'i');

/** A value that only names what it stands for (`mypass`, `supersecret`, `password1`, `your-api-key`). */
export function isNameEcho(value: string): boolean {
  // `--password` and `-p` are the flag, not its value.
  return value.length <= 32 && NAME_ECHO.test(value.replace(/^--?/, ''));
}

/**
 * Text written as JSON unicode escapes only (`\u30d1\u30e9\u30aa`): a word in another script, never a
 * generated or typed credential (umami's public/intl/country/*.json: "PW", Palau's ISO code, in 28
 * languages).
 */
export function isEscapedText(value: string): boolean {
  return /^(?:\\u[0-9a-fA-F]{4})+$/.test(value);
}

/** A UUID (RFC 4122 shape, any case). */
export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

/**
 * A value that is code, not a literal: a call (`Rails.app.credentials.dig(`, `load_password()`),
 * a member access chain (`window.auth.getPassword`, `settings.DB_PASSWORD`), a PowerShell cmdlet
 * (`Get-AnsibleParam`), a block parameter default (`false|`), a CloudFormation intrinsic (`!Ref`),
 * a type or a keyword.
 */
export function looksLikeCode(value: string): boolean {
  return (
    /^[A-Za-z_$@][\w$]*(?:(?:\.|::|->|\?\.)[A-Za-z_$][\w$]*)*\(/.test(value) ||
    /^[A-Za-z_$@][\w$]*(?:(?:\.|::|->|\?\.)[A-Za-z_$][\w$]*)+$/.test(value) && !/\d/.test(value) ||
    /^(?:this|self|req|request|params|props|state|ctx|context|config|settings|options|opts|args|env|os|process|window|document|app|Rails|ENV)(?:\.|::|->|\[)/.test(value) ||
    /^(?:Get|Set|New|Read|Invoke|ConvertTo|ConvertFrom|Import|Export|Test)-[A-Z]\w+$/.test(value) ||
    /\|$|^\||\|\||&&/.test(value) ||
    /^!(?:Ref|Sub|GetAtt|ImportValue|Join|Select|FindInMap|If|Base64)\b/.test(value) ||
    /^(?:function|lambda|async|await|new|typeof|instanceof|nil|null|None|undefined|True|False)\b/.test(value) ||
    /^\w+\[["'$]?\w+["']?\]$/.test(value) // params[:password], obj["key"]
  );
}

/** A regular expression rather than a value (`^[a-z0-9]{32}$`, `(?:token|key)=\w+`). */
export function looksLikeRegex(value: string): boolean {
  return /\\[dwsDWSbB.]|\[\^|\(\?[:=!<]|\.\*|\.\+|\[[a-zA-Z0-9]-[a-zA-Z0-9]\]|[\])][*+?]|\{\d+(?:,\d*)?\}|^\^.*\$$/.test(value);
}

/**
 * A comma-separated list of words or options (`bytes,1,opt,name=key` in a protobuf struct tag,
 * `read,write`): not a credential.
 */
export function looksLikeOptionList(value: string): boolean {
  return /^[\w.-]+(?:,[\w.=-]*){1,}$/.test(value) && /,[A-Za-z]/.test(value);
}

/**
 * A version or version range (`1.4.0-beta.9`, `^9.0.2-next.12`, `~2.1.0-rc.1`, pnpm's
 * `workspace:^0.1.0`, an alias `npm:jose@5.2.0`): a dependency catalog names packages such as
 * `better-auth`, `@acme/auth` or `jsonwebtoken`, whose versions are not credentials.
 */
export function looksLikeVersion(value: string): boolean {
  return /^(?:workspace:|npm:(?:@[\w.-]+\/)?[\w.-]+@)?(?:[~^=v]|[<>]=?)?\d+\.\d+(?:\.\d+)?(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z.-]+)?$/.test(value);
}

/** The text of a line before `index` starts a comment (`#`, `//`, `/*`, `*`, `--`, `;`, `<!--`, `REM`). */
export function isCommentBefore(line: string, index: number): boolean {
  const start = line.lastIndexOf('\n', index - 1) + 1;
  return /^\s*(?:#(?![!{])|\/\/|\/\*|\*(?:\s|$)|--\s|;|<!--|%|(?:rem|REM)\s)/.test(line.slice(start, index));
}

function mostFrequentShare(value: string): number {
  const counts = new Map<string, number>();
  let max = 0;
  for (const ch of value) {
    const n = (counts.get(ch) ?? 0) + 1;
    counts.set(ch, n);
    if (n > max) max = n;
  }
  return max / value.length;
}

/** base64 of a placeholder (`cGFzc3dvcmQ=` is "password", as in the Kubernetes docs). */
function encodesFiller(value: string): boolean {
  if (value.length < 8 || value.length > 64 || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return false;
  const decoded = Buffer.from(value, 'base64').toString('latin1');
  if (!/^[\x20-\x7e]+$/.test(decoded)) return false;
  const lower = decoded.toLowerCase();
  return PLACEHOLDER_VALUES.has(lower) || PLACEHOLDER_WORDS.some((w) => lower.includes(w));
}

function distinctChars(value: string): number {
  return new Set(value).size;
}

/** 123456789, abcdefgh, 0123456789abcdef: keyboard-walk fillers. */
function isMostlySequential(value: string): boolean {
  if (value.length < 6) return false;
  let steps = 0;
  for (let i = 1; i < value.length; i++) if (value.charCodeAt(i) - value.charCodeAt(i - 1) === 1) steps++;
  return steps / (value.length - 1) > 0.6;
}

/** An environment variable name or a constant name, not a value (`GITHUB_TOKEN`, `DB_PASSWORD`). */
export function looksLikeIdentifierName(value: string): boolean {
  if (/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(value)) return true;
  // A private field's name (`_password`, `__api_key`), as a literal too (`new NetworkCredential("_username",
  // "_password")`, EdwinVW/pitstop): one or two lower-case words after the underscores, one of them a
  // name's word (`_correct_horse_battery_staple` is a passphrase, not a field).
  const bare = value.replace(/^_+(?=[a-z])/, '');
  if (bare !== value) {
    const words = bare.split('_');
    return /^[a-z]+(?:_[a-z]+)?$/.test(bare) && hasNameWord(words);
  }
  // An HTTP header's name (`X-Amz-Security-Token`, `X-API-Key`: minio's internal/http/headers.go):
  // capitalised words of letters joined by hyphens, one of them a name's word.
  // `X-` first: capitalised words alone may be a passphrase (`Brave-New-World`).
  if (/^X-[A-Z][A-Za-z]*(?:-[A-Z][A-Za-z]*)*$/.test(value)) return hasNameWord(value.split('-'));
  // A double underscore joins an Ansible role's prefix to its variable (`mosquitto__password`: debops).
  if (!/^[a-z][a-z0-9]*(?:(?:[._-]|__)[a-z][a-z0-9]*)+$/.test(value)) return false;
  // Dotted lower-case words are keys (`errors.password.blank`); snake or kebab words are an
  // identifier when a word says so (`db_password`, `user-token-field`) or there are many, unless
  // a digit marks them as made up (`hardcoded-secret-value1`).
  if (value.includes('.')) return true;
  if (/\d/.test(value)) return false;
  const words = value.split(/_+|-/);
  return words.length >= 4 || hasNameWord(words);
}

/**
 * A variable's name written where its value goes (`SENTRY_API_KEY`, `REDIS_PASSWORD`): upper-case
 * words of letters, one of them a name's word. A digit makes it a value (`HARBOR_4412`, `PROD_DB_2024`).
 */
export function looksLikeVariableName(value: string): boolean {
  return /^[A-Z]+(?:_[A-Z]+)+$/.test(value) && hasNameWord(value.split('_'));
}

/**
 * A type's or an action's name: capitalised words, three or more (`AssumeRoleForPodIdentity`) or two
 * after a short lower-case namespace (`v1_SecretProjection`), one of them a word names are made of.
 * Capitalised words without one are a passphrase (`PurpleElephantDancingMoonlight`).
 */
export function looksLikeTypeName(value: string): boolean {
  if (!/^(?:[A-Z][a-z]+){3,}$|^[a-z][a-z0-9]{0,7}_(?:[A-Z][a-z]+){2,}$/.test(value)) return false;
  const words = value.match(/[A-Z][a-z]+/g) ?? [];
  return hasNameWord(words) || words.some((w) => TYPE_WORDS.has(w.toLowerCase()));
}

const TYPE_WORDS = new Set(
  (
    'role roles identity policy policies projection source volume type kind request response service account permission ' +
    'action resource provider handler manager factory spec status event binding claim principal scope grant'
  ).split(' '),
);

/** One of the words names are made of (`password`, `token`, `key`, `header`, ...), in any case. */
function hasNameWord(words: readonly string[]): boolean {
  return words.some((w) => IDENTIFIER_WORDS.has(w.toLowerCase()));
}

const IDENTIFIER_WORDS = new Set(
  (
    'password passwords pass passwd pwd passphrase secret secrets token tokens key keys api auth user users username name ' +
    'field input param params value values config setting settings env var default new old current confirm confirmation ' +
    'reset hash salt id ids credential credentials cred creds access refresh client session cookie header form label'
  ).split(' '),
);

/** A file path, URL or domain rather than a credential. */
export function looksLikePathOrUrl(value: string): boolean {
  return (
    /^(?:\.{0,2}\/|~\/|[A-Za-z]:\\|file:|https?:\/\/|s3:\/\/|gs:\/\/)/.test(value) ||
    /\.(?:pem|key|crt|cer|p12|pfx|jks|json|ya?ml|txt|env|conf|cfg|ini|js|ts|py|rb|sh|gpg|asc|pub)$/i.test(value) ||
    // dir/sub/file.ext (base64 has no dot, so a slash-separated value ending in an extension is a path)
    /^[\w.@~-]*(?:\/[\w.@~-]+)+\.[A-Za-z][A-Za-z0-9]{0,7}$/.test(value) ||
    /^[a-z0-9-]+(?:\.[a-z0-9-]+)+\.(?:com|org|net|io|dev|local|internal)$/i.test(value) ||
    // A DNS-prefixed name (Kubernetes annotation and label keys: `alpha.image-policy.k8s.io/failed-open`):
    // lower-case dotted labels ending in a letters-only one, then one name of words (a webhook URL
    // without its scheme, or a random path, has more segments or a random one).
    // A word may be a letter, a number and a letter (`k8s`, `e2e-az-name`: kube-prometheus-stack's affinity examples).
    /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}\/(?=.{1,63}$)(?:[a-z]\d{1,2}[a-z]|[a-z]+\d{0,2})(?:[-_.](?:[a-z]\d{1,2}[a-z]|[a-z]+\d{0,2}))*$/.test(value)
  );
}

export interface CharClasses {
  lower: boolean;
  upper: boolean;
  digit: boolean;
  symbol: boolean;
  count: number;
}

export function charClasses(value: string): CharClasses {
  // Letters of any script are letters: "Contraseña" and "Lösenord" (a translation file's word for
  // password: umami-software/umami) hold no symbol.
  const lower = /\p{Ll}/u.test(value);
  const upper = /\p{Lu}/u.test(value);
  const digit = /[0-9]/.test(value);
  const symbol = /[^\p{L}\p{M}0-9]/u.test(value);
  return { lower, upper, digit, symbol, count: +lower + +upper + +digit + +symbol };
}

/** Splits `DB_PASSWORD`, `dbPassword`, `db.password`, `$db-password` into lower-case words. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * Base64 of one whole DER structure that is public by nature: a signature or an RSA public key
 * (SEQUENCE of two INTEGERs: ECDSA/DSA r and s, or n and e), a public key (SubjectPublicKeyInfo:
 * SEQUENCE { AlgorithmIdentifier, BIT STRING }) or a certificate (SEQUENCE { tbsCertificate,
 * AlgorithmIdentifier, BIT STRING }): sigstore-js's test bundles hold dozens. A private key never
 * takes these shapes: PKCS#1, SEC1 and PKCS#8 start with an INTEGER version followed by other
 * INTEGERs or an OCTET STRING, and an encrypted PKCS#8 is a SEQUENCE then an OCTET STRING.
 */
export function encodesPublicDer(value: string): boolean {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(value) || !value.startsWith('M')) return false;
  const der = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  const top = derElement(der, 0);
  if (!top || top.tag !== 0x30 || top.end !== der.length) return false;
  const tags: number[] = [];
  const firstChild: number[] = [];
  for (let at = top.start; at < top.end; ) {
    const child = derElement(der, at);
    if (!child || child.end > top.end || tags.length > 3) return false;
    tags.push(child.tag);
    if (tags.length === 1 && child.start < child.end) firstChild.push(der[child.start]!);
    at = child.end;
  }
  const shape = tags.map((t) => t.toString(16)).join(',');
  if (shape === '2,2') return true;
  // An AlgorithmIdentifier opens with its OBJECT IDENTIFIER.
  if (shape === '30,3') return firstChild[0] === 0x06;
  return shape === '30,30,3';
}

/** One DER element at `at`: its tag and where its contents start and end (undefined when malformed). */
function derElement(der: Buffer, at: number): { tag: number; start: number; end: number } | undefined {
  if (at + 2 > der.length) return undefined;
  const tag = der[at]!;
  let length = der[at + 1]!;
  let start = at + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 3 || start + bytes > der.length) return undefined;
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + der[start + i]!;
    start += bytes;
  }
  return start + length <= der.length ? { tag, start, end: start + length } : undefined;
}
