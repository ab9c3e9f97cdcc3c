// The action's inputs. Inputs that mean something in `.gatehouse.yml` become config overrides and are
// validated by the config schema (which holds their defaults); inputs that only the action knows
// (comment mode, baseline source, file paths, dashboard) are validated here, with their defaults in
// this one schema. action.yml itself carries no defaults.
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import type { ConfigOverrides } from '../config/load.js';
import { INSTALLABLE_TOOLS, type InstallableTool } from '../tools/install.js';

/** Reads one input by its action.yml name ('' when not set), like `core.getInput`. */
export type InputReader = (name: string) => string;

const booleanInput = z
  .enum(['true', 'false', 'True', 'False', 'TRUE', 'FALSE'])
  .transform((v) => v.toLowerCase() === 'true');

/** "a=b" lines (or comma separated) -> record; for `import`. */
const keyValueLines = z.string().transform((text, ctx) => {
  const out: Record<string, string> = {};
  for (const item of text.split(/[\n,]/).map((s) => s.trim()).filter(Boolean)) {
    const eq = item.indexOf('=');
    if (eq <= 0 || eq === item.length - 1) {
      ctx.addIssue({ code: 'custom', message: `"${item}" is not scanner-id=path` });
      return z.NEVER;
    }
    out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return out;
});

const listInput = z.string().transform((text) => text.split(/[\n,]/).map((s) => s.trim()).filter(Boolean));

export const ActionInputsSchema = z.object({
  /** Path of `.gatehouse.yml`; default: the one in the working directory, if any. */
  config: z.string().optional(),
  /**
   * `scan` (default), or `publish-fork-report` in a `workflow_run` workflow: download the report a
   * fork's pull_request run uploaded, validate it, then comment and push (docs/action.md, fork PRs).
   */
  mode: z.enum(['scan', 'publish-fork-report']).default('scan'),
  'working-directory': z.string().optional(),
  'github-token': z.string().optional(),
  comment: z.enum(['always', 'on-failure', 'never']).default('always'),
  /** Where the base scan comes from on a PR; default: `dashboard` when dashboard-url is set, else `rescan`. */
  baseline: z.enum(['dashboard', 'rescan', 'none']).optional(),
  'scan-all': booleanInput.default(false),
  /** Only these services (the matrix-per-service workflow passes one). */
  services: listInput.optional(),
  /** Report files made by other steps: `trivy-fs=trivy-results.json`. */
  import: keyValueLines.optional(),
  /** `true` (the tools the config uses), `false`, or a list of trivy, gitleaks, semgrep. */
  'install-tools': z.string().optional(),
  annotations: booleanInput.default(true),
  'job-summary': booleanInput.default(true),
  'report-file': z.string().optional(),
  'sarif-file': z.string().optional(),
  'dashboard-url': z.url().optional(),
  'dashboard-token': z.string().optional(),
  /** OIDC audience; used (with `id-token: write`) when no dashboard-token is given. */
  'dashboard-audience': z.string().optional(),
  /** The repository was renamed or moved: the dashboard moves its services to it (audited there). */
  'dashboard-move-repository': booleanInput.default(false),
  /**
   * How old a cached trivy vulnerability DB may be when no registry answers (hours; `72`, `72h` or
   * `3d`); older is a scanner error.
   */
  'trivy-db-max-age': z
    .string()
    .regex(/^\d+(\.\d+)?\s*[hd]?$/i, 'is not a number of hours (72, 72h) or days (3d)')
    .transform((v) => (/d$/i.test(v.trim()) ? parseFloat(v) * 24 : parseFloat(v)))
    .default(72),
  /** Where the trivy DB is kept between runs: `actions` (the Actions cache), a folder, or `none`. */
  'trivy-db-cache': z.string().default('actions'),
  // Config overrides (validated by the config schema):
  'fail-on': z.string().optional(),
  'new-only': booleanInput.optional(),
  'on-scanner-error': z.string().optional(),
});
export type ActionInputs = z.infer<typeof ActionInputsSchema>;

/** Every input name action.yml declares (a test keeps the two in sync). */
export const INPUT_NAMES = Object.keys(ActionInputsSchema.shape) as (keyof ActionInputs)[];

export function readActionInputs(read: InputReader): ActionInputs {
  const raw: Record<string, string> = {};
  for (const name of INPUT_NAMES) {
    const value = read(name).trim();
    if (value !== '') raw[name] = value;
  }
  const result = ActionInputsSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = String(issue.path[0] ?? '');
    throw new ConfigError(`action input ${name}: ${issue.message} (got ${JSON.stringify(raw[name])})`, { field: name });
  }
  return result.data;
}

/** The inputs that are `.gatehouse.yml` settings, as a raw config to merge over the file. */
export function configOverrides(inputs: ActionInputs): ConfigOverrides {
  const gate: Record<string, unknown> = {};
  if (inputs['fail-on'] !== undefined) gate['fail-on'] = inputs['fail-on'];
  if (inputs['new-only'] !== undefined) gate['new-only'] = inputs['new-only'];
  if (inputs['on-scanner-error'] !== undefined) gate['on-scanner-error'] = inputs['on-scanner-error'];
  return Object.keys(gate).length > 0 ? { gate } : {};
}

/** The tools to install: an explicit list, or for `true` those among trivy/gitleaks/semgrep the config uses. */
export function toolsToInstall(inputs: ActionInputs, scannerIds: string[]): InstallableTool[] {
  const value = inputs['install-tools']?.trim().toLowerCase();
  if (!value || value === 'false') return [];
  if (value === 'true') {
    return INSTALLABLE_TOOLS.filter((tool) => scannerIds.some((id) => id === tool || id.startsWith(`${tool}-`)));
  }
  const list = value.split(/[\s,]+/).filter(Boolean);
  for (const t of list) {
    if (!(INSTALLABLE_TOOLS as readonly string[]).includes(t)) {
      throw new ConfigError(`action input install-tools: "${t}" is not installable (choose from ${INSTALLABLE_TOOLS.join(', ')}, or true/false)`, { field: 'install-tools' });
    }
  }
  return list as InstallableTool[];
}

export function resolveOutputPaths(inputs: ActionInputs, workspace: string, runnerTemp: string): { reportFile: string; sarifFile: string } {
  const dir = path.join(runnerTemp, 'gatehouse');
  return {
    reportFile: path.resolve(workspace, inputs['report-file'] ?? path.join(dir, 'gatehouse-report.json')),
    sarifFile: path.resolve(workspace, inputs['sarif-file'] ?? path.join(dir, 'gatehouse.sarif')),
  };
}
