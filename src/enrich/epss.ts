// FIRST's EPSS scores: a (usually gzipped) CSV whose first line is
// `#model_version:<model>,score_date:<ISO time>`, then the header `cve,epss,percentile`, then one
// row per CVE. Parsed into a map CVE id -> score. A truncated gzip stream, a missing or unknown
// header, or rows that do not parse are FeedErrors naming the line: never an empty feed.
import { gunzipSync } from 'node:zlib';
import type { EpssScore } from '../findings/finding.js';
import { FeedError } from './feed-error.js';
import { canonicalVulnId } from './ids.js';

export interface EpssFeed {
  /** `model_version`, e.g. "v2025.03.14". */
  model: string;
  /** `score_date` (ISO time). */
  scoreDate: string;
  scores: Map<string, EpssScore>;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** The feed from its file bytes (gzipped or plain CSV). */
export function parseEpssFeed(bytes: Uint8Array, source: string): EpssFeed {
  let text: string;
  if (bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]) {
    try {
      text = gunzipSync(bytes).toString('utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new FeedError('epss', source, code === 'Z_BUF_ERROR' ? 'the gzip file is truncated' : `not a valid gzip file (${code ?? (err as Error).message})`);
    }
  } else {
    text = Buffer.from(bytes).toString('utf8');
  }
  return parseEpssCsv(text, source);
}

/** Model versions whose CSV layout this parser knows: v2022.x (EPSS v3) and later, "v" + a date. */
const MODEL_VERSION = /^v\d{4}\.\d{2}\.\d{2}$/;

export function parseEpssCsv(text: string, source: string): EpssFeed {
  const lines = text.split('\n');
  const first = (lines[0] ?? '').trim();
  const meta = /^#model_version:([^,]*),score_date:(.+)$/.exec(first);
  if (!meta) {
    throw new FeedError('epss', source, `line 1 should be "#model_version:...,score_date:..." but is "${first.slice(0, 60)}"`);
  }
  const model = meta[1]!.trim();
  const scoreDate = meta[2]!.trim();
  if (!MODEL_VERSION.test(model)) throw new FeedError('epss', source, `unknown EPSS model version "${model.slice(0, 40)}" (expected v<YYYY.MM.DD>)`);
  if (Number.isNaN(Date.parse(scoreDate))) throw new FeedError('epss', source, `score_date "${scoreDate.slice(0, 40)}" is not a date`);
  const header = (lines[1] ?? '').trim();
  if (header !== 'cve,epss,percentile') {
    throw new FeedError('epss', source, `line 2 should be the header "cve,epss,percentile" but is "${header.slice(0, 60)}"`);
  }
  const scores = new Map<string, EpssScore>();
  // A file cut mid-row leaves a last line without its newline: refuse it rather than read a partial number.
  const last = lines.length - 1;
  if (lines[last] !== '' && lines.length > 2) {
    throw new FeedError('epss', source, `the file is truncated (line ${last + 1} has no line end)`);
  }
  for (let i = 2; i < last; i++) {
    const line = lines[i]!;
    if (line === '' || line === '\r') continue;
    const c1 = line.indexOf(',');
    const c2 = line.indexOf(',', c1 + 1);
    const cveRaw = c1 > 0 ? line.slice(0, c1) : '';
    const probability = Number(line.slice(c1 + 1, c2));
    const percentile = Number(line.slice(c2 + 1));
    const cve = cveRaw.startsWith('CVE-') ? cveRaw : canonicalVulnId(cveRaw)?.id;
    if (c1 <= 0 || c2 < 0 || !cve || !(probability >= 0 && probability <= 1) || !(percentile >= 0 && percentile <= 1)) {
      throw new FeedError('epss', source, `line ${i + 1} is not "cve,epss,percentile": "${line.slice(0, 60)}"`);
    }
    scores.set(cve, { cve, probability, percentile });
  }
  if (scores.size === 0) throw new FeedError('epss', source, 'the file has no scores');
  return { model, scoreDate, scores };
}
