// The pages look for invisible characters in a page's UTF-8 bytes (hasInvisibleUtf8) instead of
// running the regular expression over its text: both must find exactly the same characters, so
// every code point is checked on its own and inside text, and the neutralised bytes are those of
// the neutralised text.
import { describe, expect, it } from 'vitest';
import { hasInvisibleText, hasInvisibleUtf8, neutralisedBytes, neutralisedUtf8, neutraliseInvisibleText } from '../../src/report/invisible-text.js';

describe('invisible characters found in UTF-8 bytes', () => {
  it('finds every code point the text rule finds, and no other', () => {
    const differ: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue; // not characters (a lone surrogate is encoded as U+FFFD)
      const ch = String.fromCodePoint(cp);
      if (hasInvisibleUtf8(Buffer.from(ch, 'utf8')) !== hasInvisibleText(ch)) differ.push(cp.toString(16));
      if (differ.length > 10) break;
    }
    expect(differ).toEqual([]);
  });

  it('in text: at the start, the end, next to other multi-byte characters and lone surrogates', () => {
    const invisible = ['\u061c', '\u180e', '\u200b', '\u200f', '\u202a', '\u202e', '\u2060', '\u2064', '\u2066', '\u2069', '\ufeff'];
    const near = ['\u2065', '\u2070', '\u2028', '\u2029', '\u2014', '\u200a', '\u2010', '\u2029', '\u202f', '\ufefe', '\u061b', '\u180d', '\ud800', '😀', 'é', ''];
    for (const ch of invisible) {
      for (const n of near) {
        for (const text of [`${ch}${n}`, `${n}${ch}`, `<a title="${n}">x${ch}</a>`, `${n}${n}${ch}`]) {
          expect(hasInvisibleUtf8(Buffer.from(text)), JSON.stringify(text)).toBe(true);
          expect(neutralisedUtf8(text).equals(Buffer.from(neutraliseInvisibleText(text), 'utf8'))).toBe(true);
          // Bytes neutralised (a page's rows kept as UTF-8) as their text would be.
          expect(neutralisedBytes(Buffer.from(text)).equals(neutralisedUtf8(text)), JSON.stringify(text)).toBe(true);
        }
      }
    }
    for (const n of near) {
      const text = `<td title="${n}">${n}—${n}</td>`;
      expect(hasInvisibleUtf8(Buffer.from(text)), JSON.stringify(text)).toBe(false);
      expect(neutralisedUtf8(text).equals(Buffer.from(text))).toBe(true);
      expect(neutralisedBytes(Buffer.from(text)).equals(Buffer.from(text))).toBe(true);
    }
    expect(hasInvisibleUtf8(Buffer.alloc(0))).toBe(false);
    expect(hasInvisibleUtf8(Buffer.from([0xe2]))).toBe(false);
    expect(hasInvisibleUtf8(Buffer.from([0xe2, 0x80]))).toBe(false);
  });
});
