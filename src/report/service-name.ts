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
