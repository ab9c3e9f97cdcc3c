// Validates SARIF against the official SARIF 2.1.0 schema (a draft-04 JSON Schema), as GitHub's
// upload does. Every SARIF the tests write goes through this.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ErrorObject, Options, ValidateFunction } from 'ajv';

// ajv-draft-04 and ajv-formats are CommonJS with `exports.default`; require keeps the types honest.
const require = createRequire(import.meta.url);
const Ajv04 = (require('ajv-draft-04') as { default: new (opts?: Options) => { compile(schema: object): ValidateFunction } }).default;
const addFormats = (require('ajv-formats') as { default: (ajv: unknown) => void }).default;

const schema = JSON.parse(readFileSync(new URL('../../../shared/fixtures/schemas/sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as object;
const ajv = new Ajv04({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);

/** Returns the schema errors, empty when the log is valid. */
export function sarifSchemaErrors(log: unknown): string[] {
  if (validate(log)) return [];
  return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '(root)'} ${e.message ?? ''}`);
}
