// How many bytes the dashboard's one cache (version-cache.ts) may hold. Work ahead (page-warmer.ts)
// keeps every service's default page and polled answers in it, so an organisation of 5,000 services
// needs several times what 500 do: unless the operator sets a budget (`cacheMegabytes`), it grows
// with the number of services each bulk run of work ahead finds (never shrinks: that would evict).

/** The budget of a small organisation, and the least one of any: what requests cache besides the work ahead. */
export const MIN_CACHE_BYTES = 48 * 1024 * 1024;

/**
 * What one service's work ahead stores (its default page body, its chart piece, its four polled
 * answers and its open findings kept as rows for cuts, each with its entry's overhead), with room:
 * measured 38.4 KB at 500 services x 365 days and 40.3 KB at 5,000 services x 3 years with 10
 * million findings, 200 open a service (docs/dashboard.md "Known limits"; the work ahead's log line
 * says it each run). The open findings kept as rows are ~13 KB of it at 200 open findings.
 */
export const CACHE_BYTES_PER_SERVICE = 64 * 1024;

/**
 * The share of the machine's memory a grown budget stops at: services are made by ingest (an
 * unscoped ingest token may upload for any name), so their count alone must not size the process.
 * Past it work ahead stops at its share and says so; `cacheMegabytes` sets any budget.
 */
const MAX_MEMORY_SHARE = 1 / 4;

/**
 * The budget that lets work ahead hold `services` services within its share of the cache
 * (`fillMax`, page-warmer.ts WARM_FILL_MAX), the rest left to what requests cache; at most
 * MAX_MEMORY_SHARE of `memoryBytes` (os.totalmem()), never below MIN_CACHE_BYTES.
 */
export function cacheBudgetFor(services: number, fillMax: number, memoryBytes: number): number {
  const ceiling = Math.max(MIN_CACHE_BYTES, Math.floor(memoryBytes * MAX_MEMORY_SHARE));
  return Math.min(ceiling, Math.max(MIN_CACHE_BYTES, Math.ceil((services * CACHE_BYTES_PER_SERVICE) / fillMax)));
}
