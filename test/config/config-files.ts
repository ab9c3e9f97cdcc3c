// What the config tests share: a config file written to a fresh folder, and the ConfigError a load
// must end in.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ConfigError } from '../../src/errors.js';

export function writeConfig(text: string, name = '.gatehouse.yml'): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-config-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

export async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}
