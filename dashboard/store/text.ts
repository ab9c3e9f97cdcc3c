// Text as both backends can keep it. PostgreSQL refuses a NUL character in any text value ("invalid
// byte sequence for encoding UTF8: 0x00"); SQLite keeps it. A tool's output may hold one (a binary
// file's name, a garbled message), so the ingest API (api/ingest.ts) and the SQLite-to-PostgreSQL
// copy (migrate-backend.ts) replace it with U+FFFD: the same report stores the same text on both
// backends, and no scan is refused for it. A lone surrogate (`\ud800` in JSON: half of a UTF-16
// pair) is not UTF-8 either: SQLite kept its three bytes and answered three U+FFFD, PostgreSQL's
// driver sent one U+FFFD. Every JSON body the API takes (api/ingest.ts, api/json-body.ts) has each
// replaced with one U+FFFD, as JavaScript's toWellFormed() does, so both backends store and answer
// the same text.

const NUL = /\u0000/g;

/** What a person typed (a token label, a triage reason) is refused with this when it holds a NUL. */
export const NUL_REFUSED = 'must not contain a NUL character';

export function hasNul(text: string): boolean {
  return text.includes('\u0000');
}

export function withoutNul(text: string): string {
  return text.includes('\u0000') ? text.replace(NUL, '\uFFFD') : text;
}

/** A UTF-16 code unit of a pair without its other half. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/**
 * An escaped lone surrogate in JSON text: a high one (`\ud800`-`\udbff`) not followed by an escaped
 * low one, or a low one (`\udc00`-`\udfff`) not after a high one, any case. Escaped pairs (an emoji
 * as Python's json.dumps writes it) keep a body on the fast path.
 */
const ESCAPED_LONE_SURROGATE = /\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}/;

/** `text` with each lone surrogate as U+FFFD: String.prototype.toWellFormed, which TypeScript's ES2023 lib (this project's) does not declare. */
function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

/** `text` as both backends store it alike: each NUL and each lone surrogate as U+FFFD. */
function storableText(text: string): string {
  return wellFormed(withoutNul(text));
}

/**
 * JSON.parse of a request body, its strings and keys as both backends store them (storableText). A
 * NUL or a lone surrogate can only arrive escaped (`\u0000`, `\ud800`: the body was decoded as
 * UTF-8), so a body without such text is parsed as it is, at no cost; otherwise every string and
 * key is cleaned while parsing.
 */
export function parseStorableJson(text: string): unknown {
  return parseCleaned(text, true);
}

/**
 * JSON.parse of a body of typed text (a token label, a triage reason), each lone surrogate of its
 * strings and keys as U+FFFD (stored alike on both backends); a NUL is left for its schema to refuse.
 */
export function parseWellFormedJson(text: string): unknown {
  return parseCleaned(text, false);
}

function parseCleaned(text: string, nul: boolean): unknown {
  if (!(nul && text.includes('\\u0000')) && !ESCAPED_LONE_SURROGATE.test(text)) return JSON.parse(text);
  const cleaned = nul ? storableText : wellFormed;
  return JSON.parse(text, function (this: Record<string, unknown>, key: string, value: unknown) {
    const clean = typeof value === 'string' ? cleaned(value) : value;
    const cleanKey = cleaned(key);
    if (cleanKey !== key && this && typeof this === 'object') {
      // A key holding NUL or a lone surrogate: keep the value under the cleaned key (the original one is dropped).
      this[cleanKey] = clean;
      return undefined;
    }
    return clean;
  });
}
