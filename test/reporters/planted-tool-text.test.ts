// Issue 8 item 2: every text a tool provides (titles, descriptions, messages, fix hints, references,
// tool errors and notifications) goes through the embedded secret scanner's own detection before it
// reaches any output. One sample of every secret kind the scanner's corpus plants (test/secrets/
// corpus, built by corpus-gen) is planted, with the line around it, into every tool-provided text
// field of every adapter's real recorded report; the report is imported through runScan and rendered
// as text, JSON, SARIF and markdown, and no planted value may appear in any of them.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeConfig } from '../../src/config/load.js';
import { ConfigSchema, type RawGatehouseConfig } from '../../src/config/schema.js';
import { createMemoryLogger } from '../../src/logger.js';
import { renderJson } from '../../src/reporters/json.js';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { toSarif } from '../../src/reporters/sarif.js';
import { renderText } from '../../src/reporters/text.js';
import { runScan } from '../../src/scan.js';
import { listAdapters } from '../../src/scanners/registry.js';
import { corpusFilesDir, loadManifest } from '../secrets/corpus-evaluation.js';

const SHARED = new URL('../../../shared/fixtures/scanners/', import.meta.url).pathname;
const MARK = 'PLANTEDTEXTMARK';

interface Sample {
  generator: string;
  /** The lines of the corpus file around the secret (what a tool would echo). */
  context: string;
  /** The secret's pieces (one per line for a key block): none may appear in any output. */
  fragments: string[];
}

/** One sample per generator of the planted corpus: every secret kind the embedded scanner knows. */
function corpusSamples(): Sample[] {
  const manifest = loadManifest();
  const samples = new Map<string, Sample>();
  for (const e of manifest.expected) {
    // A binary key store (pkcs12) has no text fragment a tool could echo.
    if (samples.has(e.generator) || e.inlineAllowed || e.fragments.length === 0) continue;
    const lines = readFileSync(join(corpusFilesDir(manifest), e.file), 'latin1').split('\n');
    samples.set(e.generator, {
      generator: e.generator,
      context: lines.slice(e.line - 1, e.endLine).join('\n'),
      fragments: e.fragments,
    });
  }
  return [...samples.values()];
}

/** The issue's own examples: secrets in prose, as a tool would print them. Built at run time. */
function proseSamples(): Sample[] {
  const password = ['Hunter2', 'xYzQ8wLmN#9'].join('');
  const accountKey = `${'Zm9vYmFyYmF6cXV4'.repeat(5)}AbCd==`;
  return [
    { generator: 'prose-password', context: `FATAL: login failed, password ${password}`, fragments: [password] },
    {
      generator: 'prose-azure-connection-string',
      context: `DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${accountKey};EndpointSuffix=core.windows.net`,
      fragments: [accountKey],
    },
  ];
}

const SAMPLES = [...corpusSamples(), ...proseSamples()];
const PLANTED_BLOCK = `${MARK}\n${SAMPLES.map((s) => s.context).join('\n')}`;

// The tool-provided text fields of the recorded reports (adapters read these into titles, messages,
// fix hints, references and tool errors).
const TEXT_KEYS = new Set([
  'Title', 'Description', 'Message', 'Resolution', 'References', // trivy
  'title', 'description', 'message', 'fix', 'references', 'lines', // semgrep, npm, grype, gitleaks
  'summary', 'details', 'overview', 'recommendation', 'urls', // osv, yarn/pnpm, grype
  'text', 'markdown', // SARIF message, shortDescription, fullDescription, help, fixes[].description
  'Description', 'RuleID',
]);

/** Appends the planted block to every text field (and to every list of texts) of a decoded report. */
function plant(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plant);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (TEXT_KEYS.has(key) && typeof v === 'string') out[key] = `${v}\n${PLANTED_BLOCK}`;
    else if (TEXT_KEYS.has(key) && Array.isArray(v) && v.every((x) => typeof x === 'string')) out[key] = [...v, PLANTED_BLOCK];
    else out[key] = plant(v);
  }
  return out;
}

/** One tool error per sample (tools report errors one line each). */
const perSampleLines = () => SAMPLES.map((s) => `${MARK} ${s.context.split('\n')[0]}`);

interface Case {
  id: string;
  fixture: string;
  /** Extra tool-provided texts the fixture lacks (semgrep errors[], SARIF fixes and notifications). */
  extend?: (data: Record<string, unknown>) => void;
  jsonl?: boolean;
}

const CASES: Case[] = [
  { id: 'trivy-fs', fixture: 'trivy/fs-vulns-misconfig-secrets.json' },
  { id: 'trivy-image', fixture: 'trivy/image-alpine-3.9.json' },
  { id: 'trivy-secret', fixture: 'trivy/repo-secrets.json' },
  {
    id: 'semgrep',
    fixture: 'semgrep/json-paths.json',
    extend: (d) => {
      const results = d.results as { extra: Record<string, unknown> }[];
      for (const r of results) {
        r.extra.fix = `safe_call()\n${PLANTED_BLOCK}`;
        r.extra.metadata = { ...(r.extra.metadata as object), references: [PLANTED_BLOCK] };
      }
      d.errors = perSampleLines().map((message) => ({ level: 'warn', type: 'Timeout', message }));
    },
  },
  { id: 'gitleaks', fixture: 'gitleaks/json-v8-simple.json' },
  { id: 'osv-scanner', fixture: 'osv-scanner/osv-json-go-and-cargo-4-vulns.json' },
  { id: 'npm-audit', fixture: 'npm-audit/npm-v2-1-vuln-cwe-cvss.json' },
  { id: 'yarn-audit', fixture: 'yarn/yarn1-audit-json-14-advisories.jsonl', jsonl: true },
  { id: 'pnpm-audit', fixture: 'pnpm/pnpm-audit-json-5-advisories.json' },
  { id: 'grype', fixture: 'grype/grype-0.96.0-image-35-matches.json' },
  {
    id: 'sarif',
    fixture: 'semgrep/sarif-rule-board.sarif',
    extend: (d) => {
      for (const run of d.runs as Record<string, unknown>[]) {
        for (const result of (run.results ?? []) as Record<string, unknown>[]) {
          result.fixes = [{ description: { text: PLANTED_BLOCK } }];
        }
        run.invocations = [
          {
            executionSuccessful: true,
            toolExecutionNotifications: perSampleLines().map((text) => ({ level: 'warning', message: { text } })),
            toolConfigurationNotifications: perSampleLines().map((text) => ({ level: 'warning', message: { text } })),
          },
        ];
      }
    },
  },
];

function plantedReport(c: Case): string {
  const raw = readFileSync(join(SHARED, c.fixture), 'utf8');
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-planted-'));
  const file = join(dir, c.fixture.split('/').pop() as string);
  if (c.jsonl) {
    const lines = raw.split('\n').filter((l) => l.trim() !== '');
    writeFileSync(file, lines.map((l) => JSON.stringify(plant(JSON.parse(l)))).join('\n'));
    return file;
  }
  const data = JSON.parse(raw) as Record<string, unknown>;
  c.extend?.(data);
  writeFileSync(file, JSON.stringify(plant(data)));
  return file;
}

async function scanPlanted(c: Case) {
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-planted-repo-'));
  mkdirSync(join(root, 'api'));
  writeFileSync(join(root, 'api/package.json'), '{}');
  const file = plantedReport(c);
  const raw: RawGatehouseConfig = {
    services: [{ name: 'api', path: 'api', image: 'alpine:3.9' }],
    scanners: { dependency: [], secret: [], misconfig: [], ci: [], ...(c.id === 'sarif' ? { sarif: [{ name: 'bandit', import: file }] } : {}) },
  };
  const config = ConfigSchema.parse(mergeConfig(raw, {}));
  return runScan(
    {
      repoRoot: root,
      config,
      kind: 'snapshot',
      now: new Date('2026-06-01T12:00:00Z'),
      scanId: 'planted',
      imports: c.id === 'sarif' ? undefined : { [`${c.id}@api`]: file },
    },
    { logger: createMemoryLogger() },
  );
}

describe('every secret kind planted in every tool-provided text field', () => {
  it('covers every built-in adapter that reads tool text (a new adapter fails here until it is added)', () => {
    const covered = new Set(CASES.map((c) => c.id));
    // Embedded scanners (gatehouse-secrets, the policy checks) write our own words: previews, hashes,
    // rule messages that name keys, never values (test/policy/deploy-rules.test.ts).
    expect(listAdapters().filter((a) => !a.about?.embedded).map((a) => a.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it('plants a sample of every generator of the secret corpus (more than 100 kinds)', () => {
    expect(SAMPLES.length).toBeGreaterThan(100);
    expect(SAMPLES.every((s) => s.fragments.length > 0 && s.fragments.every((f) => s.context.includes(f)))).toBe(true);
  });

  for (const c of CASES) {
    it(`${c.id} (${c.fixture}): no planted value reaches text, JSON, SARIF or markdown`, async () => {
      const report = await scanPlanted(c);
      const outputs = {
        text: renderText(report, { color: false, top: 1_000 }),
        json: renderJson(report),
        sarif: JSON.stringify(toSarif(report)),
        markdown: renderMarkdown(report),
      };
      // Not vacuous: the planted text reached the outputs (its marker word is there).
      expect(outputs.json, 'the planted block never reached the report').toContain(MARK);
      const leaks: string[] = [];
      for (const [format, output] of Object.entries(outputs)) {
        for (const sample of SAMPLES) {
          for (const fragment of sample.fragments) {
            if (fragment.length >= 6 && output.includes(fragment)) leaks.push(`${format}: ${sample.generator}`);
          }
        }
      }
      expect([...new Set(leaks)]).toEqual([]);
    });
  }
});
