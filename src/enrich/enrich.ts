// Exploitation data on findings: each finding's ids (rule id and aliases, canonical) are looked up
// in the KEV catalog and the EPSS scores. Pure: the feeds are loaded by feeds.ts at the edge.
import type { Finding } from '../findings/finding.js';
import type { EpssFeed } from './epss.js';
import { canonicalVulnId, findingIds, isCve } from './ids.js';
import type { KevCatalog } from './kev.js';

export interface EnrichResult {
  findings: Finding[];
  /** Things a reader should know (ids written in an unusual form that were matched anyway). */
  notes: string[];
}

/** How many odd ids a note names before "and N more". */
const NAMED_ODD_IDS = 3;

export function enrichFindings(findings: readonly Finding[], feeds: { kev?: KevCatalog; epss?: EpssFeed }): EnrichResult {
  const odd = new Map<string, string>();
  const out = findings.map((f) => {
    const rewritten = canonicalVulnId(f.ruleId);
    if (rewritten?.rewritten && isCve(rewritten.id)) odd.set(f.ruleId, rewritten.id);
    if (!feeds.kev && !feeds.epss) return f;
    const ids = findingIds(f);
    let kev = undefined;
    let epss = undefined;
    for (const id of ids) {
      if (!isCve(id)) continue;
      const listing = feeds.kev?.entries.get(id);
      if (listing && !kev) kev = listing;
      const score = feeds.epss?.scores.get(id);
      if (score && (!epss || score.probability > epss.probability)) epss = score;
    }
    if (!kev && !epss) return f;
    const copy: Finding = { ...f };
    if (kev) copy.kev = kev;
    if (epss) copy.epss = epss;
    return copy;
  });
  const notes: string[] = [];
  if (odd.size > 0) {
    const named = [...odd].slice(0, NAMED_ODD_IDS).map(([raw, id]) => `"${raw.slice(0, 60)}" as ${id}`);
    const more = odd.size > NAMED_ODD_IDS ? `, and ${odd.size - NAMED_ODD_IDS} more` : '';
    notes.push(`${odd.size} vulnerability id${odd.size === 1 ? ' was' : 's were'} written in an unusual form and matched by their canonical form: ${named.join(', ')}${more}`);
  }
  return { findings: out, notes };
}
