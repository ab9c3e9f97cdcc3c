// The one rule for a service name, shared by the config (`services[].name`) and the dashboard's
// ingest: names become URL path segments, file names and SQL keys, so `..`, `.`, control
// characters, lone surrogates and 10,000-character names are refused everywhere alike.
import { z } from 'zod';

export const SERVICE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const SERVICE_NAME_MAX_LENGTH = 200;
export const SERVICE_NAME_RULE = `letters, digits, ".", "_" and "-", starting with a letter or digit, at most ${SERVICE_NAME_MAX_LENGTH} characters`;

/** The engine's name for the files outside every service folder (src/services/discover.ts). */
export const ROOT_SERVICE_NAME = '(root)';

export function isServiceName(name: string): boolean {
  return name === ROOT_SERVICE_NAME || (name.length <= SERVICE_NAME_MAX_LENGTH && SERVICE_NAME_PATTERN.test(name));
}

/** What a user may name a service in the config (the root service's name is the engine's own). */
export const ServiceNameSchema = z
  .string()
  .regex(SERVICE_NAME_PATTERN, 'letters, digits, ".", "_" and "-", starting with a letter or digit')
  .max(SERVICE_NAME_MAX_LENGTH);

/**
 * The dashboard keys services by name, and every repository's files outside its service folders
 * are the engine's `(root)`: pushed as such, a second repository's `(root)` was refused (HTTP 409:
 * it belongs to the first), so an organisation could not push two monorepos. On the dashboard a
 * repository's root service is `<repository's name>-root` (`nashtech-garage/yas` -> `yas-root`);
 * reports, comments and SARIF keep `(root)`. Undefined when the repository gives no usable name.
 */
export function dashboardRootName(repository: string): string | undefined {
  const last = repository.split('/').filter((s) => s.length > 0).pop() ?? '';
  const base = last.replace(/\.git$/i, '').replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, SERVICE_NAME_MAX_LENGTH - '-root'.length);
  return base.length > 0 ? `${base}-root` : undefined;
}

/**
 * The names a report's services have on the dashboard, both ways: `(root)` of a report naming its
 * repository as dashboardRootName, every other service as it is. Built from the engine's names, so
 * a real service that happens to be called `yas-root` is never taken for the root.
 */
export class DashboardServiceNames {
  private readonly toDashboard = new Map<string, string>();
  private readonly toEngine = new Map<string, string>();

  constructor(engineNames: Iterable<string>, repository: string | undefined) {
    const root = repository ? dashboardRootName(repository) : undefined;
    for (const name of engineNames) {
      const onDashboard = name === ROOT_SERVICE_NAME && root !== undefined ? root : name;
      this.toDashboard.set(name, onDashboard);
      this.toEngine.set(onDashboard, name);
    }
  }

  /** The dashboard's name of an engine service (unknown names as they are). */
  dashboard(engineName: string): string {
    return this.toDashboard.get(engineName) ?? engineName;
  }

  /** The engine's name of a dashboard service (unknown names as they are). */
  engine(dashboardName: string): string {
    return this.toEngine.get(dashboardName) ?? dashboardName;
  }

  /** Whether any name differs on the dashboard. */
  get renames(): boolean {
    for (const [engine, dashboard] of this.toDashboard) if (engine !== dashboard) return true;
    return false;
  }
}
