// Text escaped for HTML exactly as hono's JSX escapes text and attribute values (& < > " '), for the
// few hot parts of a page built as one string instead of thousands of JSX elements (a findings
// table of 200 rows, the chart's points): the same bytes, several times cheaper to render.

const SPECIAL = /[&<>"']/;
const SPECIAL_ALL = /[&<>"']/g;
const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `text` with & < > " ' as entities (safe in element text and in a double-quoted attribute). */
export function esc(text: string): string {
  return SPECIAL.test(text) ? text.replace(SPECIAL_ALL, (ch) => ENTITY[ch]) : text;
}

/** ` name="value"` escaped, or nothing when the value is undefined (as JSX leaves the attribute out). */
export function attr(name: string, value: string | number | undefined): string {
  return value === undefined ? '' : ` ${name}="${typeof value === 'number' ? value : esc(value)}"`;
}

