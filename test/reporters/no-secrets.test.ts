// No secret value from real gitleaks and trivy secret output may appear in any report we write.
import { describe, expect, it } from 'vitest';
import { renderJson } from '../../src/reporters/json.js';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { toSarif } from '../../src/reporters/sarif.js';
import { sarifSchemaErrors } from './sarif-validate.js';
import { renderText } from '../../src/reporters/text.js';
import type { ParsedFinding } from '../../src/findings/finding.js';
import { parseGitleaksReport } from '../../src/scanners/gitleaks.js';
import { parseTrivyReport } from '../../src/scanners/trivy.js';
import { buildReport, fixture } from './build-report.js';

interface SecretSource {
  file: string;
  parse: (text: string) => ParsedFinding[];
  /** The secret values in the file, read from it (never typed into this test). */
  secrets: (data: unknown) => string[];
}

const gitleaksSecrets = (data: unknown) =>
  (data as { Secret?: string; Match?: string }[]).flatMap((l) => [l.Secret ?? '', l.Match ?? '']);
const trivyContextTokens = (data: unknown) =>
  JSON.stringify(data).match(/ghp_[A-Za-z0-9]{20,}|AKIA[A-Z0-9]{16}/g) ?? [];

const SOURCES: SecretSource[] = [
  { file: 'gitleaks/json-v8-simple.json', parse: (t) => parseGitleaksReport(t).findings, secrets: gitleaksSecrets },
  { file: 'gitleaks/json-v8-tags.json', parse: (t) => parseGitleaksReport(t).findings, secrets: gitleaksSecrets },
  {
    file: 'gitleaks/sarif-v8-simple.sarif',
    parse: (t) => parseGitleaksReport(t).findings,
    secrets: (d) => JSON.stringify(d).match(/"snippet":\{"text":"([^"]+)"/g)?.map((s) => s.slice(19, -1)) ?? [],
  },
  { file: 'trivy/repo-secrets.json', parse: (t) => parseTrivyReport(t).findings, secrets: trivyContextTokens },
  {
    file: 'gitleaks/legacy/json-v7.6.1-with-config.json',
    parse: (t) => parseGitleaksReport(t).findings,
    secrets: (d) => (d as { offender?: string; line?: string }[]).flatMap((l) => [l.offender ?? '', l.line ?? '']),
  },
];

describe('no secret value in any report', () => {
  for (const source of SOURCES) {
    it(`leaks nothing from ${source.file} into text, JSON, SARIF or markdown`, () => {
      const text = fixture(source.file);
      const secrets = [...new Set(source.secrets(JSON.parse(text)))].filter((s) => s.length >= 6 && !/^\*+$/.test(s));
      expect(secrets.length).toBeGreaterThan(0);
      const parsed = source.parse(text).map((f) => ({ ...f, location: { ...f.location, path: `services/web/${f.location.path ?? 'x'}` } }));
      expect(parsed.some((f) => f.category === 'secret')).toBe(true);
      const report = buildReport({ extraWeb: parsed });
      const outputs = {
        text: renderText(report, { color: false, top: 1_000 }),
        json: renderJson(report),
        sarif: JSON.stringify(toSarif(report)),
        markdown: renderMarkdown(report),
      };
      for (const [name, output] of Object.entries(outputs)) {
        for (const secret of secrets) expect(output.includes(secret), `${name} contains a secret from ${source.file}`).toBe(false);
      }
      expect(sarifSchemaErrors(JSON.parse(outputs.sarif))).toEqual([]);
    });
  }
});
