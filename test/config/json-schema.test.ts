import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
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
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(JSON.parse(readFileSync(CONFIG_JSON_SCHEMA_PATH, 'utf8')));
    const example = parse(readFileSync(new URL('../../examples/.gatehouse.yml', import.meta.url), 'utf8'));
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ gate: { 'fail-on': 'severe' } })).toBe(false);
    expect(validate({ gate: { failon: 'high' } })).toBe(false);
  });
});
