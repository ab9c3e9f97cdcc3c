// The cost of exploitation data on a 10,000-finding report: parsing the real KEV catalog
// (../shared/fixtures/feeds, 1404 entries) and an EPSS file in FIRST's format with 300,000 rows
// (the size of the daily file; gzipped), then enriching (alias look-ups), merging across tools,
// planning remediation and rendering the PR comment. Figures are printed, never asserted.
//
// The findings come from the real juice-shop image scan (trivy), repeated with distinct package
// paths until there are 10,000, half of them also "found" by a second tool under a GHSA id with the
// CVE as alias (the cross-tool merge's worst case).
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { enrichFindings } from '../src/enrich/enrich.js';
import { parseEpssFeed } from '../src/enrich/epss.js';
import { parseKevCatalog } from '../src/enrich/kev.js';
import type { Finding } from '../src/findings/finding.js';
import { mergeAcrossTools } from '../src/findings/merge.js';
import { normalizeFindings } from '../src/findings/normalize.js';
import { planRemediation } from '../src/remediation/plan.js';
import { parseTrivyReport } from '../src/scanners/trivy.js';

const TARGET = 10_000;
const EPSS_ROWS = 300_000;
const KEV = new URL('../../shared/fixtures/feeds/kev-2025-08-25.json', import.meta.url);
const TRIVY = new URL('../../shared/fixtures/scanners/trivy/image-juice-shop-v12.10.2.json', import.meta.url);

function time<T>(label: string, fn: () => T, runs = 5): T {
  let result!: T;
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    result = fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  console.log(`${label.padEnd(52)} median ${ms[Math.floor(runs / 2)]!.toFixed(1).padStart(8)} ms   best ${ms[0]!.toFixed(1).padStart(8)} ms`);
  return result;
}

const base = normalizeFindings(parseTrivyReport(readFileSync(TRIVY, 'utf8'), { image: 'juice-shop' }).findings, { service: 'shop' }).filter((f) => f.location.package);
const findings: Finding[] = [];
for (let copy = 0; findings.length < TARGET; copy++) {
  for (const f of base) {
    if (findings.length >= TARGET) break;
    const pkg = { ...f.location.package!, path: `copy${copy}/${f.location.package!.path ?? ''}` };
    findings.push({ ...f, fingerprint: `${f.fingerprint.slice(0, 24)}${copy.toString(16).padStart(8, '0')}`, location: { ...f.location, package: pkg } });
  }
}
const twin = findings.slice(0, TARGET / 2).map((f, i): Finding => ({ ...f, tool: 'grype', ruleId: `GHSA-${'cfgh'[i % 4]}xxx-xxxx-xxxx`.replace(/x/g, '2'), aliases: [f.ruleId], fingerprint: `g${f.fingerprint.slice(1)}` }));

const kevText = readFileSync(KEV, 'utf8');
const cves = [...new Set(findings.map((f) => f.ruleId).filter((id) => id.startsWith('CVE-')))];
const rows: string[] = [];
for (let i = 0; i < EPSS_ROWS; i++) rows.push(`${i < cves.length ? cves[i] : `CVE-${2000 + (i % 25)}-${100000 + i}`},${(Math.random() * 0.9).toFixed(5)},${Math.random().toFixed(5)}`);
const epssGz = gzipSync(`#model_version:v2025.03.14,score_date:2025-08-25T12:55:00Z\ncve,epss,percentile\n${rows.join('\n')}\n`);
console.log(`${findings.length} findings (+${twin.length} from a second tool), KEV ${kevText.length} bytes, EPSS ${EPSS_ROWS} rows (${epssGz.length} bytes gzipped)`);

const kev = time('parse KEV catalog (1404 entries)', () => parseKevCatalog(kevText, 'kev'));
const epss = time(`parse EPSS (${EPSS_ROWS} rows, gunzip + CSV)`, () => parseEpssFeed(epssGz, 'epss'));
const merged = time(`merge across tools (${findings.length + twin.length} -> one per vuln)`, () => mergeAcrossTools([...findings, ...twin]));
const enriched = time(`enrich ${merged.length} findings (KEV + EPSS by alias)`, () => enrichFindings(merged, { kev, epss }).findings);
time(`remediation plan (${enriched.length} findings)`, () => planRemediation(enriched));
console.log(`merged to ${merged.length}; ${enriched.filter((f) => f.epss).length} with EPSS, ${enriched.filter((f) => f.kev).length} KEV-listed`);
const mem = process.memoryUsage();
console.log(`heap used ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB, rss ${(mem.rss / 2 ** 20).toFixed(0)} MiB`);
