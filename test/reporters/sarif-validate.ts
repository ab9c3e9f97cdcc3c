// Validates SARIF against the official SARIF 2.1.0 schema (a draft-04 JSON Schema), as GitHub's
// upload does. Every SARIF the tests write goes through this.
import { readFileSync } from 'node:fs';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';

const schema = JSON.parse(readFileSync('/work/shared/fixtures/schemas/sarif-schema-2.1.0.json', 'utf8')) as object;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);

/** Returns the schema errors, empty when the log is valid. */
export function sarifSchemaErrors(log: unknown): string[] {
  if (validate(log)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''}`);
}
