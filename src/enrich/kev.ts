// CISA's Known Exploited Vulnerabilities catalog (JSON, schema `known_exploited_vulnerabilities_schema`):
// parsed into a map CVE id -> listing. A file that is not the catalog (truncated, another document,
// an unknown catalog shape) is a FeedError naming what is wrong, never an empty catalog.
import { z } from 'zod';
import type { KevListing } from '../findings/finding.js';
import { FeedError } from './feed-error.js';
import { canonicalVulnId } from './ids.js';

const KevEntrySchema = z.looseObject({
  cveID: z.string().min(1),
  vendorProject: z.string().optional(),
  product: z.string().optional(),
  vulnerabilityName: z.string().optional(),
  dateAdded: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD'),
  dueDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD').optional(),
  knownRansomwareCampaignUse: z.string().optional(),
});

const KevCatalogSchema = z.looseObject({
  title: z.string().optional(),
  catalogVersion: z.string().min(1),
  dateReleased: z.string().min(1),
  count: z.number().int().nonnegative(),
  vulnerabilities: z.array(z.unknown()),
});

export interface KevCatalog {
  /** `catalogVersion`, e.g. "2025.08.25". */
  version: string;
  /** `dateReleased` (ISO time). */
  released: string;
  entries: Map<string, KevListing>;
  /** Entries that could not be read (bad CVE id, bad date): counted and said, not fatal. */
  skipped: number;
}

/** Catalog versions this parser knows ("YYYY.MM.DD"); any other shape is refused by name. */
const CATALOG_VERSION = /^\d{4}\.\d{2}\.\d{2}$/;

export function parseKevCatalog(text: string, source: string): KevCatalog {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const truncated = text.trim().length > 0 && !/[}\]]\s*$/.test(text);
    throw new FeedError('kev', source, truncated ? 'the file is truncated (the JSON ends early)' : `not JSON (${(err as Error).message.split('\n')[0]})`);
  }
  const parsed = KevCatalogSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FeedError('kev', source, `not a KEV catalog (at ${issue.path.join('.') || 'top level'}: ${issue.message})`);
  }
  const catalog = parsed.data;
  if (!CATALOG_VERSION.test(catalog.catalogVersion)) {
    throw new FeedError('kev', source, `unknown catalog version "${catalog.catalogVersion.slice(0, 40)}" (expected YYYY.MM.DD)`);
  }
  if (catalog.count !== catalog.vulnerabilities.length) {
    // The catalog states its own size: a mismatch means a cut or spliced file.
    throw new FeedError('kev', source, `the catalog says it has ${catalog.count} entries but holds ${catalog.vulnerabilities.length}`);
  }
  const entries = new Map<string, KevListing>();
  let skipped = 0;
  for (const raw of catalog.vulnerabilities) {
    const entry = KevEntrySchema.safeParse(raw);
    const id = entry.success ? canonicalVulnId(entry.data.cveID) : undefined;
    if (!entry.success || !id || !id.id.startsWith('CVE-')) {
      skipped++;
      continue;
    }
    const e = entry.data;
    entries.set(id.id, {
      cve: id.id,
      dateAdded: e.dateAdded,
      dueDate: e.dueDate,
      ransomware: e.knownRansomwareCampaignUse?.trim().toLowerCase() === 'known' ? 'known' : 'unknown',
      name: e.vulnerabilityName,
    });
  }
  return { version: catalog.catalogVersion, released: catalog.dateReleased, entries, skipped };
}
