import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ScannerOutputError } from '../../src/errors.js';
import {
  CvssSchema,
  LocationSchema,
  PackageRefSchema,
  ParsedFindingSchema,
  type ParsedFinding,
} from '../../src/findings/finding.js';
import { FAST_CHECKED_FIELDS, isWellFormedParsedFinding, normalizeFindings } from '../../src/findings/normalize.js';
import { parseTrivyReport } from '../../src/scanners/trivy.js';
import { parseGitleaksReport } from '../../src/scanners/gitleaks.js';
import * as redact from '../../src/findings/redact.js';

const TRIVY = new URL('../../../shared/fixtures/scanners/trivy', import.meta.url).pathname;
const trivy = (name: string) => parseTrivyReport(readFileSync(`${TRIVY}/${name}`, 'utf8')).findings;

const base: ParsedFinding = {
  tool: 'semgrep',
  category: 'sast',
  ruleId: 'js.eval',
  title: 'eval',
  severity: 'high',
  location: { path: 'services/api/src/a.js', startLine: 3 },
  fixAvailable: false,
  message: 'eval of user input',
  matchHash: 'a'.repeat(64),
};

describe('normalizeFindings', () => {
  it('gives every finding of a real trivy fs report a service, a fingerprint and status introduced', () => {
    const parsed = trivy('fs-vulns-misconfig-secrets.json');
    const out = normalizeFindings(parsed, { service: 'api' });
    expect(out).toHaveLength(parsed.length);
    for (const f of out) {
      expect(f.service).toBe('api');
      expect(f.fingerprint).toMatch(/^[0-9a-f]{32}$/);
      expect(f.status).toBe('introduced');
    }
    expect(new Set(out.map((f) => f.category))).toEqual(new Set(['dependency', 'misconfig', 'secret']));
  });

  it('assigns the service of the path when serviceForPath knows it, else the target service', () => {
    const out = normalizeFindings(
      [base, { ...base, ruleId: 'js.other', location: { path: 'lib/x.js' } }],
      { service: 'root', serviceForPath: (p) => (p.startsWith('services/api/') ? 'api' : undefined) },
    );
    expect(out.map((f) => f.service)).toEqual(['api', 'root']);
  });

  it('does not map container findings by their path inside the image', () => {
    const out = normalizeFindings(trivy('image-alpine-3.9.json'), { service: 'web', serviceForPath: () => 'other' });
    expect(out.length).toBeGreaterThan(0);
    expect(out.every((f) => f.service === 'web' && f.category === 'container')).toBe(true);
  });

  it('drops exact duplicates by fingerprint and keeps the worse severity', () => {
    const out = normalizeFindings([{ ...base, severity: 'low' }, { ...base, severity: 'critical' }, base], { service: 's' });
    expect(out).toHaveLength(1);
    expect(out[0]!.severity).toBe('critical');
  });

  it('scrubs secrets a tool echoed in title, message or fix', () => {
    const token = 'ghp_' + 'Z'.repeat(36);
    const [f] = normalizeFindings([{ ...base, title: `token ${token}`, message: `found ${token}`, fix: `revoke ${token}` }], {
      service: 's',
    });
    expect(JSON.stringify(f)).not.toContain(token);
    expect(f!.title).toBe('token ghp_****');
  });

  it('rejects an invalid parsed finding with an error naming the tool, the finding and the field', () => {
    const bad = { ...base, severity: 'severe' } as unknown as ParsedFinding;
    expect(() => normalizeFindings([base, bad], { service: 's' })).toThrow(ScannerOutputError);
    expect(() => normalizeFindings([base, bad], { service: 's' })).toThrow(/semgrep.*finding #2.*"severity"/);
  });
});

// normalizeFindings checks well-formed findings with a plain structural check and leaves the rest to
// zod (which names the field). The check must accept exactly what ParsedFindingSchema accepts.
describe('normalizeFindings fast structural check', () => {
  const trivyFixtures = [
    ...readdirSync(TRIVY).filter((f) => /\.(json|sarif)$/.test(f)),
    ...readdirSync(`${TRIVY}/legacy`).map((f) => `legacy/${f}`),
  ];
  const contexts = [{}, { image: 'registry.example/app:1' }, { repoRoot: '/repo', serviceDir: 'services/api' }];

  it('knows every field of ParsedFindingSchema (a new schema field fails here until the check knows it)', () => {
    expect(Object.keys(ParsedFindingSchema.shape).sort()).toEqual([...FAST_CHECKED_FIELDS.finding].sort());
    expect(Object.keys(LocationSchema.shape).sort()).toEqual([...FAST_CHECKED_FIELDS.location].sort());
    expect(Object.keys(PackageRefSchema.shape).sort()).toEqual([...FAST_CHECKED_FIELDS.package].sort());
    expect(Object.keys(CvssSchema.shape).sort()).toEqual([...FAST_CHECKED_FIELDS.cvss].sort());
  });

  for (const name of trivyFixtures) {
    it(`${name}: every finding takes the fast path, and zod's parsed copies normalize to the same findings`, () => {
      for (const ctx of contexts) {
        const parsed = parseTrivyReport(readFileSync(`${TRIVY}/${name}`, 'utf8'), ctx).findings;
        expect(parsed.length).toBeGreaterThan(0);
        for (const f of parsed) {
          expect(ParsedFindingSchema.safeParse(f).success).toBe(true);
          expect(isWellFormedParsedFinding(f)).toBe(true);
        }
        const viaZod = parsed.map((f) => ParsedFindingSchema.parse(f));
        expect(normalizeFindings(parsed, { service: 'svc' })).toEqual(normalizeFindings(viaZod, { service: 'svc' }));
      }
    });
  }

  // Odd values for every field, at every level: the fast check and zod must agree on each.
  const ODD_VALUES: unknown[] = [
    undefined, null, '', 'x', 0, -1, 1.5, 11, -0, NaN, Infinity, 2 ** 53, true, false, [], ['a'], [1], ['a', 2],
    // eslint-disable-next-line no-sparse-arrays
    ['a', , 'b'], {}, { a: 1 }, new Date(0), 'critical', 'dependency',
  ];
  const valid: ParsedFinding = {
    tool: 'trivy',
    category: 'dependency',
    ruleId: 'CVE-2021-3807',
    title: 'ReDoS',
    severity: 'high',
    toolSeverity: 'HIGH',
    location: {
      path: 'package-lock.json',
      startLine: 1,
      endLine: 2,
      startColumn: 0,
      endColumn: 3,
      image: 'app:1',
      package: { ecosystem: 'npm', name: 'ansi-regex', version: '3.0.0', fixedVersions: ['3.0.1'], path: 'node_modules/a' },
    },
    cvss: { score: 7.5, vector: 'CVSS:3.1/AV:N' },
    cwe: ['CWE-1333'],
    references: ['https://example.com'],
    fixAvailable: true,
    fix: 'upgrade ansi-regex to 3.0.1',
    message: 'ansi-regex 3.0.0 is affected',
    secretPreview: '****',
    matchHash: 'a'.repeat(64),
    inlineSuppressed: false,
  };
  const withValue = (path: string[], value: unknown): unknown => {
    const copy = structuredClone(valid) as unknown as Record<string, unknown>;
    let at = copy;
    for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
    at[path[path.length - 1]!] = value;
    return copy;
  };
  const fieldPaths = [
    ...FAST_CHECKED_FIELDS.finding.map((k) => [k]),
    ...FAST_CHECKED_FIELDS.location.map((k) => ['location', k]),
    ...FAST_CHECKED_FIELDS.package.map((k) => ['location', 'package', k]),
    ...FAST_CHECKED_FIELDS.cvss.map((k) => ['cvss', k]),
  ];

  it('accepts the complete valid finding and refuses what is not an object', () => {
    expect(isWellFormedParsedFinding(valid)).toBe(true);
    for (const value of ODD_VALUES) {
      expect(isWellFormedParsedFinding(value), String(value)).toBe(ParsedFindingSchema.safeParse(value).success);
    }
  });

  for (const path of fieldPaths) {
    it(`agrees with zod on every odd value of ${path.join('.')}`, () => {
      for (const value of ODD_VALUES) {
        const candidate = withValue(path, value);
        const zodAccepts = ParsedFindingSchema.safeParse(candidate).success;
        expect(isWellFormedParsedFinding(candidate), `${path.join('.')} = ${String(value)}`).toBe(zodAccepts);
      }
    });
  }

  it('a field the fast check refuses still reaches zod, which names it', () => {
    const bad = withValue(['location', 'package', 'fixedVersions'], ['1.0', 2]) as ParsedFinding;
    expect(() => normalizeFindings([valid, bad], { service: 's' })).toThrow(/trivy.*finding #2.*"location\.package\.fixedVersions\.1"/);
  });
});

describe('secrets of other tools: nothing in the report or the fingerprint depends on the value', () => {
  const leak = (secret: string, line: number, file = 'services/api/.env') => ({
    RuleID: 'generic-api-key',
    Description: 'Generic API Key',
    StartLine: line,
    Secret: secret,
    Match: `API_KEY=${secret}`,
    File: file,
    Commit: '',
  });
  const run = (leaks: object[]) => normalizeFindings(parseGitleaksReport(JSON.stringify(leaks)).findings, { service: 'api' });

  it('the same places with other values give the same fingerprints and hashes (a dictionary has nothing to test)', () => {
    const a = run([leak('hunter2-Very-Secret-Value-001', 3), leak('sk_live_other_value_abcdefghij', 9)]);
    const b = run([leak('another-Value-entirely-xyz-987', 3), leak('yet-one-more-value-0123456789', 9)]);
    expect(a.map((f) => [f.fingerprint, f.matchHash])).toEqual(b.map((f) => [f.fingerprint, f.matchHash]));
    const { sha256Hex } = redact;
    const everything = JSON.stringify(a);
    expect(everything).not.toContain(sha256Hex('hunter2-Very-Secret-Value-001'));
    expect(everything).not.toContain('hunter2-Very-Secret-Value-001');
  });

  it('two values in one file stay two findings; one value on two lines is one', () => {
    expect(run([leak('hunter2-Very-Secret-Value-001', 3), leak('sk_live_other_value_abcdefghij', 9)])).toHaveLength(2);
    expect(run([leak('hunter2-Very-Secret-Value-001', 3), leak('hunter2-Very-Secret-Value-001', 9)])).toHaveLength(1);
  });
});
