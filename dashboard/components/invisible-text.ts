// The pages neutralise bidi controls and zero-width characters with the engine's own function, so
// the PR comment, the CLI text and the pages show one and the same `[U+202E]` marker.
export { hasInvisibleText, neutralisedBytes, neutralisedUtf8, neutraliseInvisibleText } from '../../src/report/invisible-text.js';
