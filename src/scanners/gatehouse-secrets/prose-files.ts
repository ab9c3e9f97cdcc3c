// Prose and notebooks, by their extension: a README's snippet is the file it shows, not program
// source (context.ts files them as docs; rules.ts reads their snippets as the files they quote).
export const DOCS_FILE = /\.(?:md|mdx|markdown|rst|adoc|asciidoc|txt|rdoc|textile|org|ipynb|html?)$/i;
