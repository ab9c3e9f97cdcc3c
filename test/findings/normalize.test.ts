import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ScannerOutputError } from '../../src/errors.js';
import type { ParsedFinding } from '../../src/findings/finding.js';
import { normalizeFindings } from '../../src/findings/normalize.js';
import { parseTrivyReport } from '../../src/scanners/trivy.js';

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
