// Scores the scanner on the planted corpus (test/secrets/corpus): recall, precision, per-kind
// coverage. Shared by the corpus test (which asserts floors) and the bench (which prints figures).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { ReportedSecret, SecretScanReport } from '../../src/scanners/gatehouse-secrets/report-format.js';
import { scanDirectory } from '../../src/scanners/gatehouse-secrets/scan-directory.js';
import { createHash } from 'node:crypto';
import type { MatchHasher } from '../../src/scanners/gatehouse-secrets/match-hash.js';

/**
 * Scoring only: a plain sha256 "match hash", so findings can be compared with the manifest's
 * sha256 of each planted value. Real scans use the keyed hash (match-hash.ts).
 */
export const SCORING_HASHER: MatchHasher = { source: 'process', hash: (v) => createHash('sha256').update(v).digest('hex') };

export const CORPUS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'corpus');

const ExpectedSecretSchema = z.object({
  file: z.string(),
  line: z.number().int().positive(),
  endLine: z.number().int().positive(),
  kind: z.string(),
  generator: z.string(),
  sha256: z.string().regex(/^[a-f0-9]{64}$/),
  inlineAllowed: z.boolean().optional(),
  allowPathFixture: z.boolean().optional(),
  fragments: z.array(z.string()),
});
export type ExpectedSecret = z.infer<typeof ExpectedSecretSchema>;

const ManifestSchema = z.object({
  root: z.string(),
  allowPaths: z.array(z.string()),
  kinds: z.array(z.string()),
  secretFiles: z.array(z.string()),
  cleanFiles: z.array(z.string()),
  expected: z.array(ExpectedSecretSchema),
});
export type CorpusManifest = z.infer<typeof ManifestSchema>;

export function loadManifest(): CorpusManifest {
  return ManifestSchema.parse(JSON.parse(readFileSync(join(CORPUS_DIR, 'manifest.json'), 'utf8')));
}

export function corpusFilesDir(manifest: CorpusManifest): string {
  return join(CORPUS_DIR, manifest.root);
}

export interface KindScore {
  expected: number;
  found: number;
  recall: number;
}

export interface CorpusScore {
  recall: number;
  precision: number;
  truePositives: number;
  expectedCount: number;
  findingCount: number;
  /** Found with the exact secret (same sha256 as planted). */
  exactHashes: number;
  missed: ExpectedSecret[];
  falsePositives: ReportedSecret[];
  perKind: Record<string, KindScore>;
  /** Files scanned, files with planted secrets, clean look-alikes. */
  filesScanned: number;
  secretFiles: number;
  cleanFiles: number;
  cleanFilesWithFindings: string[];
  inlineAllowed: { expected: number; reportedAsAllowed: number };
}

/** Matches findings to planted secrets (same file, a line of the planted text, hash preferred). */
export function scoreReport(report: SecretScanReport, manifest: CorpusManifest): CorpusScore {
  const counted = report.findings.filter((f) => !f.inlineAllowed);
  const used = new Set<ReportedSecret>();
  const missed: ExpectedSecret[] = [];
  let exactHashes = 0;
  const perKind: Record<string, KindScore> = Object.fromEntries(manifest.kinds.map((k) => [k, { expected: 0, found: 0, recall: 0 }]));
  const scored = manifest.expected.filter((e) => !e.inlineAllowed && !e.allowPathFixture);
  for (const e of scored) {
    perKind[e.kind].expected++;
    const candidates = counted.filter((f) => !used.has(f) && f.path === e.file && f.line >= e.line && f.line <= e.endLine);
    const match = candidates.find((f) => f.matchHash === e.sha256) ?? candidates[0];
    if (!match) {
      missed.push(e);
      continue;
    }
    used.add(match);
    perKind[e.kind].found++;
    if (match.matchHash === e.sha256) exactHashes++;
  }
  for (const k of Object.values(perKind)) k.recall = k.expected ? k.found / k.expected : 1;
  const falsePositives = counted.filter((f) => !used.has(f));
  const clean = new Set(manifest.cleanFiles);
  const allowedExpected = manifest.expected.filter((e) => e.inlineAllowed);
  return {
    recall: used.size / scored.length,
    precision: counted.length ? used.size / counted.length : 1,
    truePositives: used.size,
    expectedCount: scored.length,
    findingCount: counted.length,
    exactHashes,
    missed,
    falsePositives,
    perKind,
    filesScanned: report.stats.filesScanned,
    secretFiles: manifest.secretFiles.length,
    cleanFiles: manifest.cleanFiles.length,
    cleanFilesWithFindings: [...new Set(report.findings.filter((f) => clean.has(f.path)).map((f) => f.path))],
    inlineAllowed: {
      expected: allowedExpected.length,
      reportedAsAllowed: allowedExpected.filter((e) => report.findings.some((f) => f.inlineAllowed && f.path === e.file && f.line === e.line && f.matchHash === e.sha256)).length,
    },
  };
}

/** Scans the corpus in-process with the manifest's allow-paths and scores it. */
export function scoreCorpus(): { score: CorpusScore; report: SecretScanReport; manifest: CorpusManifest } {
  const manifest = loadManifest();
  const report = scanDirectory(corpusFilesDir(manifest), { allowPaths: manifest.allowPaths, hasher: SCORING_HASHER });
  return { score: scoreReport(report, manifest), report, manifest };
}
