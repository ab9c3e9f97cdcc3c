// Writes schema/gatehouse.schema.json (the JSON Schema editors use for `.gatehouse.yml`) from the
// zod ConfigSchema, the one source of truth. `npm run build:schema`; test/config/json-schema.test.ts
// fails when the committed file differs from what this generates.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConfigSchema } from '../src/config/schema.js';

export const CONFIG_JSON_SCHEMA_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', 'schema', 'gatehouse.schema.json');

/** The JSON Schema text, as committed (2-space indent, trailing newline). */
export function generateConfigJsonSchema(): string {
  // `io: 'input'`: what a user may write (fields with defaults are optional).
  // draft-07: what the YAML language server and most editors understand best.
  const schema = z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any', target: 'draft-7' });
  const withMeta = {
    ...schema,
    title: 'Gatehouse configuration (.gatehouse.yml)',
    description: 'Generated from src/config/schema.ts by `npm run build:schema`; do not edit by hand.',
  };
  return `${JSON.stringify(withMeta, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(CONFIG_JSON_SCHEMA_PATH, generateConfigJsonSchema());
  console.log(`wrote ${CONFIG_JSON_SCHEMA_PATH}`);
}
