// `.gatehouse.yml`: one zod schema that holds every default. The JSON Schema for editors
// (schema/gatehouse.schema.json) is generated from it by `npm run build:schema`; a test keeps them in sync.
// Action inputs and CLI flags carry no defaults of their own: they are merged into the raw config
// and the result is parsed once.
import { z } from 'zod';
import { CategorySchema, SecretContextSchema, SeveritySchema } from '../findings/finding.js';
import { ServiceNameSchema } from '../report/service-name.js';

/** Where services live in the layouts people use (monorepo tools, Go, .NET, microservice demos). */
export const DEFAULT_DISCOVERY_ROOTS = [
  'services/*',
  'apps/*',
  'packages/*',
  'src/*',
  'cmd/*',
  'components/*',
  'libs/*',
  'modules/*',
  'microservices/*',
  'functions/*',
  'workers/*',
] as const;

/** A file of any ecosystem the scanners read: its presence makes a folder a service. */
export const DEFAULT_SERVICE_MARKERS = [
  'package.json',
  'package-lock.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'requirements.txt',
  'pyproject.toml',
  'Pipfile',
  'poetry.lock',
  'setup.py',
  'go.mod',
  'pom.xml',
  'build.gradle',
  'build.gradle.kts',
  '*.csproj',
  '*.fsproj',
  '*.vbproj',
  '*.sln',
  'Cargo.toml',
  'Gemfile',
  'composer.json',
  'Dockerfile',
  'Containerfile',
  'Chart.yaml',
  'kustomization.yaml',
] as const;

const ScannerEntrySchema = z.union([
  z.string().min(1).describe('adapter id, e.g. "trivy-fs", "semgrep", "gatehouse-secrets"'),
  z
    .object({
      use: z.string().min(1).describe('adapter id'),
      /** Read this report file instead of running the tool (e.g. written by trivy-action). */
      import: z.string().optional().describe('path of a report made elsewhere; parsed instead of running the tool'),
      with: z.record(z.string(), z.unknown()).default({}).describe('adapter options'),
    })
    .strict(),
]);

const GenericSarifScannerSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
    category: CategorySchema.default('sast'),
    /** argv, run in the service folder; must write SARIF 2.1.0 to stdout or to `output`. */
    command: z.array(z.string().min(1)).min(1).optional(),
    output: z.string().optional().describe('file the command writes its SARIF to (default: stdout)'),
    import: z.string().optional().describe('a SARIF file made elsewhere'),
    'ok-exit-codes': z.array(z.number().int()).default([0, 1]),
  })
  .strict()
  .refine((g) => g.command || g.import, { message: 'needs "command" or "import"' });

/** `gate.kev`: what a finding listed in CISA's KEV catalog does, whatever its severity. */
const KevRuleSchema = z.enum(['fail', 'warn', 'off']).describe('a KEV-listed finding fails the gate (fail), is only said (warn), or weighs nothing (off)');

/** `gate.epss`: a finding at or above this EPSS percentile or probability fails, whatever its severity. */
const EpssRuleSchema = z.union([
  z
    .object({ percentile: z.number().min(0).max(1).describe('EPSS percentile, 0-1 (0.95: the top 5%)') })
    .strict(),
  z
    .object({ probability: z.number().min(0).max(1).describe('EPSS probability of exploitation in 30 days, 0-1') })
    .strict(),
  z.literal('off'),
]);
export type EpssRule = z.infer<typeof EpssRuleSchema>;
export type KevRule = z.infer<typeof KevRuleSchema>;

const CategoryGateSchema = z
  .object({
    'fail-on': SeveritySchema.optional(),
    kev: KevRuleSchema.optional(),
    epss: EpssRuleSchema.optional(),
  })
  .strict();

const GateRulesSchema = z
  .object({
    'fail-on': SeveritySchema.optional().describe('lowest severity that fails the gate'),
    categories: z
      .partialRecord(CategorySchema, CategoryGateSchema)
      .optional()
      .describe('per-category overrides of fail-on, kev and epss'),
    max: z
      .partialRecord(SeveritySchema, z.number().int().nonnegative())
      .optional()
      .describe('fail when more than this many counted findings of a severity'),
    'fixable-only': z.boolean().optional().describe('dependency/container findings count only when a fix exists'),
    kev: KevRuleSchema.optional(),
    epss: EpssRuleSchema.optional().describe('{ percentile: 0.95 } or { probability: 0.1 }: exploitation likelihood that fails the gate'),
  })
  .strict();

const ServiceSchema = z
  .object({
    name: ServiceNameSchema,
    path: z.string().min(1),
    /** Image reference or `docker save` tarball for container scanning. */
    image: z.string().optional(),
    gate: GateRulesSchema.optional(),
  })
  .strict();

/** True for a YYYY-MM-DD that names a real day (not 2027-13-45, not 2027-02-30). */
export function isCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A real calendar day as YYYY-MM-DD. */
const CalendarDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine(isCalendarDate, { message: 'not a real calendar date (month 01-12, a day that month has)' });

/** The longest `scanner-timeout` (a day, in seconds): Node's timers hold at most 2^31-1 ms (24.8 days). */
export const MAX_SCANNER_TIMEOUT_SECONDS = 86_400;

const SuppressionSchema = z
  .object({
    id: z.string().optional(),
    rule: z.string().optional().describe('CVE/GHSA/rule id'),
    fingerprint: z.string().optional(),
    path: z.string().optional().describe('glob, repository-relative'),
    service: z.string().optional(),
    package: z.string().optional(),
    reason: z.string().min(1),
    owner: z.string().optional(),
    expires: CalendarDateSchema.optional().describe('last day the suppression holds (YYYY-MM-DD, UTC)'),
  })
  .strict()
  .refine((s) => s.rule || s.fingerprint || s.path, { message: 'needs at least one of "rule", "fingerprint", "path"' });
export type SuppressionConfig = z.infer<typeof SuppressionSchema>;

/** `"ignore-lodash"` or its criteria (`rule=CVE-2021-23337 path=services/**`), for messages. */
export function describeSuppression(s: Pick<SuppressionConfig, 'id' | 'rule' | 'fingerprint' | 'path' | 'service' | 'package'>): string {
  if (s.id) return `"${s.id}"`;
  const parts: string[] = [];
  if (s.rule) parts.push(`rule=${s.rule}`);
  if (s.fingerprint) parts.push(`fingerprint=${s.fingerprint}`);
  if (s.path) parts.push(`path=${s.path}`);
  if (s.service) parts.push(`service=${s.service}`);
  if (s.package) parts.push(`package=${s.package}`);
  return `"${parts.join(' ')}"`;
}

export const ConfigSchema = z
  .object({
    version: z.literal(1).default(1),
    services: z
      .array(ServiceSchema)
      .min(1, 'list at least one service, or remove "services" to discover them')
      .optional()
      .describe('explicit list; when absent, services are discovered'),
    discover: z
      .object({
        roots: z
          .array(z.string())
          .default([...DEFAULT_DISCOVERY_ROOTS])
          .describe('globs of candidate service folders, relative to the repository'),
        markers: z
          .array(z.string())
          .default([...DEFAULT_SERVICE_MARKERS])
          .describe('file names or globs (e.g. "*.csproj") that make a candidate folder a service when found within a few levels of it'),
      })
      .strict()
      .prefault({}),
    scanners: z
      .object({
        dependency: z.array(ScannerEntrySchema).default(['npm-audit']),
        container: z.array(ScannerEntrySchema).default([]),
        sast: z.array(ScannerEntrySchema).default([]),
        secret: z.array(ScannerEntrySchema).default(['gatehouse-secrets']),
        misconfig: z.array(ScannerEntrySchema).default(['gatehouse-deploy']),
        ci: z.array(ScannerEntrySchema).default(['gatehouse-ci']).describe('CI workflow audits'),
        sarif: z.array(GenericSarifScannerSchema).default([]).describe('any command that writes SARIF 2.1.0'),
      })
      .strict()
      .prefault({}),
    'scanner-timeout': z
      .number()
      .positive()
      .max(MAX_SCANNER_TIMEOUT_SECONDS, `at most ${MAX_SCANNER_TIMEOUT_SECONDS} seconds (a day)`)
      .default(600)
      .describe('seconds per scanner run (at most 86400)'),
    'max-output-mb': z
      .number()
      .positive()
      .max(1024)
      .default(64)
      .describe('cap on captured stdout/stderr per scanner run (MiB); beyond it the run is a scanner error'),
    concurrency: z.number().int().min(1).max(32).default(4).describe('scanner runs in parallel'),
    gate: GateRulesSchema.extend({
      'fail-on': SeveritySchema.default('high').describe('lowest severity that fails the gate'),
      kev: KevRuleSchema.default('fail'),
      'new-only': z.boolean().optional().describe('default: true on pull requests, false otherwise'),
      'newly-disclosed-blocks': z.boolean().default(false),
      'on-scanner-error': z.enum(['fail', 'warn']).default('fail'),
      'on-coverage-gap': z
        .enum(['warn', 'fail'])
        .default('warn')
        .describe('a file a configured category should have read (a lockfile, a Dockerfile) that nothing read: warn, or fail the gate'),
      'suppressions-require-expiry': z
        .boolean()
        .default(false)
        .describe('every suppression (config and ignore file) must have an "expires" date; one without is a config error'),
    })
      .strict()
      .prefault({}),
    suppressions: z.array(SuppressionSchema).default([]),
    'ignore-file': z.string().default('.gatehouse-ignore.yml'),
    enrich: z
      .object({
        kev: z
          .string()
          .min(1)
          .default('auto')
          .describe('CISA KEV catalog: "auto" (download, cached a day), "off", or a file path (JSON)'),
        epss: z
          .string()
          .min(1)
          .default('auto')
          .describe('FIRST EPSS scores: "auto" (download, cached a day), "off", or a file path (CSV, gzipped or not)'),
        'kev-url': z.string().url().optional().describe('where "auto" downloads the KEV catalog (a mirror)'),
        'epss-url': z.string().url().optional().describe('where "auto" downloads the EPSS scores (a mirror)'),
        timeout: z.number().positive().max(600).default(15).describe('seconds per feed download'),
      })
      .strict()
      .prefault({}),
    secrets: z
      .object({
        'allow-paths': z.array(z.string()).default([]).describe('globs the embedded secret scanner skips'),
        context: z
          .object({
            code: z.array(z.string()).default([]).describe('globs of production code (win over the built-in test/docs/example rules)'),
            test: z.array(z.string()).default([]).describe('extra globs of test files'),
            docs: z.array(z.string()).default([]).describe('extra globs of documentation'),
            example: z.array(z.string()).default([]).describe('extra globs of examples and samples'),
            'low-in': z
              .array(SecretContextSchema.exclude(['code']))
              .default(['test', 'docs', 'example'])
              .describe('contexts where generic secret rules (passwords, entropy, JWTs, private keys) count as low; [] keeps their severity everywhere'),
          })
          .strict()
          .prefault({})
          .describe('where a secret sits (code, test, docs, example) and what that changes'),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.gate['suppressions-require-expiry']) {
      config.suppressions.forEach((s, index) => {
        if (s.expires === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['suppressions', index],
            message: `suppression ${describeSuppression(s)} has no "expires" date, and gate.suppressions-require-expiry is true: add expires: YYYY-MM-DD`,
          });
        }
      });
    }
    // Two services with one name would merge their findings and fingerprints: refuse.
    const seen = new Map<string, number>();
    config.services?.forEach((service, index) => {
      const earlier = seen.get(service.name);
      if (earlier !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['services', index, 'name'],
          message: `duplicate service name "${service.name}" (also services[${earlier}])`,
        });
      } else seen.set(service.name, index);
    });
  });

export type GatehouseConfig = z.infer<typeof ConfigSchema>;
export type ScannerEntry = z.infer<typeof ScannerEntrySchema>;
export type GenericSarifScannerConfig = z.infer<typeof GenericSarifScannerSchema>;
export type ServiceConfig = z.infer<typeof ServiceSchema>;
export type GateRules = z.infer<typeof GateRulesSchema>;
export type RawGatehouseConfig = z.input<typeof ConfigSchema>;
