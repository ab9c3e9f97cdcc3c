// 330,000 suppressions (issue 8: they took 21 s): reading them from the config file (YAML, then the
// zod schema), and applying them to 10,000 and 100,000 findings. Suppressions are indexed by what
// each must name (fingerprint, rule, literal path); only path globs are tried one by one.
// Figures are printed, never asserted.
//
// The mix is what a large organisation's generated waivers look like: 55% by rule (most with a
// service or a path glob), 35% by fingerprint, 9.99% by literal path, and 30 path globs.
import { performance } from 'node:perf_hooks';
import { parseConfigText } from '../src/config/load.js';
import { ConfigSchema, type SuppressionConfig } from '../src/config/schema.js';
import type { Finding } from '../src/findings/finding.js';
import { applySuppressions } from '../src/gate/suppressions.js';

const SUPPRESSIONS = 330_000;
const SERVICES = 200;

function time<T>(label: string, fn: () => T, runs = 3): T {
  let result!: T;
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    result = fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  console.log(`${label.padEnd(60)} median ${ms[Math.floor(runs / 2)]!.toFixed(0).padStart(7)} ms   best ${ms[0]!.toFixed(0).padStart(7)} ms`);
  return result;
}

const hex = (n: number, width = 64) => n.toString(16).padStart(width, '0');

function suppression(i: number): SuppressionConfig {
  const service = `svc${i % SERVICES}`;
  const kind = i % 100;
  if (kind < 55) {
    return {
      rule: `CVE-2024-${String(i).padStart(6, '0')}`,
      ...(kind % 3 === 0 ? { service } : kind % 3 === 1 ? { path: `services/${service}/**` } : {}),
      reason: 'accepted by the security team',
      expires: '2030-12-31',
    };
  }
  if (kind < 90) return { fingerprint: hex(i), reason: 'false positive', expires: '2030-12-31' };
  if (i < 30 * 100) return { path: `services/${service}/test/fixtures-${i}/**`, reason: 'test data', expires: '2030-12-31' };
  return { path: `services/${service}/src/file-${i}.js`, reason: 'generated file', expires: '2030-12-31' };
}

function finding(i: number): Finding {
  const service = `svc${i % SERVICES}`;
  return {
    tool: 'semgrep',
    category: 'sast',
    ruleId: `CVE-2024-${String(i * 7).padStart(6, '0')}`,
    title: 't',
    severity: 'high',
    location: { path: `services/${service}/src/file-${i * 3}.js`, startLine: 1 },
    cwe: [],
    references: [],
    fixAvailable: false,
    message: 'm',
    fingerprint: hex(i * 11),
    service,
    status: 'introduced',
  };
}

const list = Array.from({ length: SUPPRESSIONS }, (_, i) => suppression(i));
const now = new Date('2026-12-01T00:00:00Z');

// Matching first, on suppressions validated by the schema (as loadConfig gives them), so the
// figures are not blurred by the garbage the YAML reader leaves behind.
const suppressions = time('validate (the config schema)', () => ConfigSchema.parse({ suppressions: list }).suppressions, 1);
for (const n of [10_000, 100_000]) {
  const findings = Array.from({ length: n }, (_, i) => finding(i));
  const result = time(`apply to ${n.toLocaleString('en')} findings`, () => applySuppressions(findings, suppressions, now));
  const suppressed = result.findings.filter((f) => f.status === 'suppressed').length;
  console.log(`  ${suppressed.toLocaleString('en')} suppressed, ${result.report.filter((r) => r.state === 'stale').length.toLocaleString('en')} stale`);
}

// Reading them from a YAML file: a file this large takes config/yaml.ts's fast path (js-yaml; the
// `yaml` package, which keeps node ranges for error messages, took about 35 s on it).
const yaml = `suppressions:\n${list.map((s) => `  - ${Object.entries(s).map(([k, v]) => `${k}: "${String(v)}"`).join('\n    ')}`).join('\n')}\n`;
const read = time(`read ${(yaml.length / 1024 / 1024).toFixed(1)} MiB of YAML (parse, then the schema)`, () => parseConfigText(yaml, '.gatehouse.yml'), 1);
console.log(`  ${read.suppressions.length.toLocaleString('en')} suppressions read`);
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
