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
