// Tool-provided text can carry bidi controls (U+202E RIGHT-TO-LEFT OVERRIDE, U+2066 isolates) that
// make a page show `txt.exe` as `exe.txt`, and zero-width characters that make two different names
// look the same. Every such character is replaced by a visible `[U+202E]`, so what a reader sees is
// what the text holds: in the PR comment and job summary (reporters/markdown.ts), the CLI text
// (reporters/text.ts) and the dashboard's pages (applied to finished HTML: the marker has no markup).

const INVISIBLE = /[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

export function hasInvisibleText(text: string): boolean {
  INVISIBLE.lastIndex = 0;
  return INVISIBLE.test(text);
}

/** Every bidi control and zero-width character as a visible `[U+XXXX]`. */
export function neutraliseInvisibleText(text: string): string {
  return text.replace(INVISIBLE, (ch) => `[U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}]`);
}

// The same characters as UTF-8 (what INVISIBLE matches): D8 9C (U+061C), E1 A0 8E (U+180E),
// E2 80 8B-8F and E2 80 AA-AE (U+200B-200F, U+202A-202E), E2 81 A0-A4 and E2 81 A6-A9
// (U+2060-2064, U+2066-2069), EF BB BF (U+FEFF).
const U061C = Buffer.from('\u061c');
const U180E = Buffer.from('\u180e');
const UFEFF = Buffer.from('\ufeff');

/**
 * Whether UTF-8 `bytes` (as Buffer.from writes them) hold a character neutraliseInvisibleText
 * replaces. A page is encoded anyway before it is deflated: searching its bytes (memchr) costs a
 * fraction of the regular expression over the text (about 130 KiB a service page).
 */
export function hasInvisibleUtf8(bytes: Buffer): boolean {
  // 0xE2 only ever leads a character in valid UTF-8 (continuation bytes are 0x80-0xBF).
  for (let i = bytes.indexOf(0xe2); i !== -1; i = bytes.indexOf(0xe2, i + 1)) {
    const b1 = bytes[i + 1];
    const b2 = bytes[i + 2];
    if (b1 === 0x80 ? (b2 >= 0x8b && b2 <= 0x8f) || (b2 >= 0xaa && b2 <= 0xae) : b1 === 0x81 && ((b2 >= 0xa0 && b2 <= 0xa4) || (b2 >= 0xa6 && b2 <= 0xa9))) return true;
  }
  return bytes.indexOf(U061C) !== -1 || bytes.indexOf(U180E) !== -1 || bytes.indexOf(UFEFF) !== -1;
}

/** `text` neutralised (neutraliseInvisibleText) as UTF-8: encoded once when nothing is to replace. */
export function neutralisedUtf8(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  return hasInvisibleUtf8(bytes) ? Buffer.from(neutraliseInvisibleText(text), 'utf8') : bytes;
}

/** UTF-8 `bytes` neutralised as neutralisedUtf8 would their text: the same bytes when nothing is to replace. */
export function neutralisedBytes(bytes: Buffer): Buffer {
  return hasInvisibleUtf8(bytes) ? Buffer.from(neutraliseInvisibleText(bytes.toString('utf8')), 'utf8') : bytes;
}
