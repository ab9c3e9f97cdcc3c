import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_JSON_SCHEMA_PATH, generateConfigJsonSchema } from '../../scripts/gen-config-schema.js';

describe('schema/gatehouse.schema.json', () => {
  it('is exactly what `npm run build:schema` generates from the zod schema', () => {
    const committed = readFileSync(CONFIG_JSON_SCHEMA_PATH, 'utf8');
    expect(committed, 'schema/gatehouse.schema.json is stale: run `npm run build:schema`').toBe(
      generateConfigJsonSchema(),
    );
  });

  it('accepts the example config and rejects a wrong fail-on, as an editor would', () => {
    const ajv = new Ajv({ strict: false });
    const validate = ajv.compile(JSON.parse(readFileSync(CONFIG_JSON_SCHEMA_PATH, 'utf8')));
    const example = parse(readFileSync(new URL('../../examples/.gatehouse.yml', import.meta.url), 'utf8'));
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ gate: { 'fail-on': 'severe' } })).toBe(false);
    expect(validate({ gate: { failon: 'high' } })).toBe(false);
  });
});

describe('docs/config.md', () => {
  it('documents every field of the schema', () => {
    const docs = readFileSync(new URL('../../docs/config.md', import.meta.url), 'utf8');
    const schema = JSON.parse(readFileSync(CONFIG_JSON_SCHEMA_PATH, 'utf8'));
    const fields = new Set<string>();
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (node === null || typeof node !== 'object') return;
      const record = node as Record<string, unknown>;
      if (record.properties && typeof record.properties === 'object') {
        for (const key of Object.keys(record.properties)) fields.add(key);
      }
      Object.values(record).forEach(walk);
    };
    walk(schema);
    // severity and category names appear as keys of `max` / `categories`; they are documented as values
    const valueKeys = new Set(['critical', 'high', 'medium', 'low', 'info', 'unknown', 'dependency', 'container', 'sast', 'secret', 'misconfig']);
    const missing = [...fields].filter((f) => !valueKeys.has(f) && !docs.includes(`\`${f}\``));
    expect(missing).toEqual([]);
    expect(fields.size).toBeGreaterThan(30);
  });
});
