// Text as both backends can keep it. PostgreSQL refuses a NUL character in any text value ("invalid
// byte sequence for encoding UTF8: 0x00"); SQLite keeps it. A tool's output may hold one (a binary
// file's name, a garbled message), so the ingest API (api/ingest.ts) and the SQLite-to-PostgreSQL
// copy (migrate-backend.ts) replace it with U+FFFD: the same report stores the same text on both
// backends, and no scan is refused for it.

const NUL = /\u0000/g;

/** What a person typed (a token label, a triage reason) is refused with this when it holds a NUL. */
export const NUL_REFUSED = 'must not contain a NUL character';

export function hasNul(text: string): boolean {
  return text.includes('\u0000');
}

export function withoutNul(text: string): string {
  return text.includes('\u0000') ? text.replace(NUL, '\uFFFD') : text;
}

/**
 * JSON.parse of a request body, NUL-free: a NUL can only arrive escaped (`\u0000`), so a body without
 * that text is parsed as it is, at no cost; otherwise every string and key is cleaned while parsing.
 */
export function parseJsonWithoutNul(text: string): unknown {
  if (!text.includes('\\u0000')) return JSON.parse(text);
  return JSON.parse(text, function (this: Record<string, unknown>, key: string, value: unknown) {
    const clean = typeof value === 'string' ? withoutNul(value) : value;
    const cleanKey = withoutNul(key);
    if (cleanKey !== key && this && typeof this === 'object') {
      // A key holding NUL: keep the value under the cleaned key (the original one is dropped).
      this[cleanKey] = clean;
      return undefined;
    }
    return clean;
  });
}
