// Feed files for the tests: the real KEV catalog snapshot (../shared/fixtures/feeds/) and EPSS
// scores written in FIRST's real format (first line `#model_version:...,score_date:...`, header
// `cve,epss,percentile`, gzipped like the published daily file).
import { gzipSync } from 'node:zlib';

export const KEV_FIXTURE = new URL('../../../shared/fixtures/feeds/kev-2025-08-25.json', import.meta.url).pathname;

/** CVEs the real catalog lists: Log4Shell (ransomware use known) and a jQuery XSS (unknown). */
export const KEV_LOG4SHELL = 'CVE-2021-44228';
export const KEV_JQUERY = 'CVE-2020-11023';

export function epssCsv(rows: [cve: string, probability: number, percentile: number][], model = 'v2025.03.14', date = '2025-08-25T12:55:00Z'): string {
  return `#model_version:${model},score_date:${date}\ncve,epss,percentile\n${rows.map(([c, e, p]) => `${c},${e.toFixed(5)},${p.toFixed(5)}`).join('\n')}\n`;
}

export function epssGz(rows: [string, number, number][], model?: string, date?: string): Buffer {
  return gzipSync(epssCsv(rows, model, date));
}
