// `.gatehouse.yml`: one zod schema that holds every default. The JSON Schema for editors
// (schema/gatehouse.schema.json) is generated from it by `npm run build:schema`; a test keeps them in sync.
// Action inputs and CLI flags carry no defaults of their own: they are merged into the raw config
// and the result is parsed once.
import { z } from 'zod';
import { CategorySchema, SeveritySchema } from '../findings/finding.js';

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

const GateRulesSchema = z
  .object({
    'fail-on': SeveritySchema.optional().describe('lowest severity that fails the gate'),
    categories: z
      .partialRecord(CategorySchema, z.object({ 'fail-on': SeveritySchema }).strict())
      .optional()
      .describe('per-category fail-on overrides'),
    max: z
      .partialRecord(SeveritySchema, z.number().int().nonnegative())
      .optional()
      .describe('fail when more than this many counted findings of a severity'),
    'fixable-only': z.boolean().optional().describe('dependency/container findings count only when a fix exists'),
  })
  .strict();

const ServiceSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-"'),
    path: z.string().min(1),
    /** Image reference or `docker save` tarball for container scanning. */
    image: z.string().optional(),
    gate: GateRulesSchema.optional(),
  })
  .strict();

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
    expires: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
      .optional(),
  })
  .strict()
  .refine((s) => s.rule || s.fingerprint || s.path, { message: 'needs at least one of "rule", "fingerprint", "path"' });
export type SuppressionConfig = z.infer<typeof SuppressionSchema>;

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
        roots: z.array(z.string()).default(['services/*', 'apps/*', 'packages/*']),
        markers: z
          .array(z.string())
          .default([
            'package.json',
            'requirements.txt',
            'pyproject.toml',
            'go.mod',
            'Cargo.toml',
            'pom.xml',
            'build.gradle',
            'Gemfile',
            'composer.json',
            'Dockerfile',
          ]),
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
    'scanner-timeout': z.number().positive().default(600).describe('seconds per scanner run'),
    'max-output-mb': z
      .number()
      .positive()
      .max(1024)
      .default(64)
      .describe('cap on captured stdout/stderr per scanner run (MiB); beyond it the run is a scanner error'),
    concurrency: z.number().int().min(1).max(32).default(4).describe('scanner runs in parallel'),
    gate: GateRulesSchema.extend({
      'fail-on': SeveritySchema.default('high').describe('lowest severity that fails the gate'),
      'new-only': z.boolean().optional().describe('default: true on pull requests, false otherwise'),
      'newly-disclosed-blocks': z.boolean().default(false),
      'on-scanner-error': z.enum(['fail', 'warn']).default('fail'),
    })
      .strict()
      .prefault({}),
    suppressions: z.array(SuppressionSchema).default([]),
    'ignore-file': z.string().default('.gatehouse-ignore.yml'),
    secrets: z
      .object({
        'allow-paths': z.array(z.string()).default([]).describe('globs the embedded secret scanner skips'),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((config, ctx) => {
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
