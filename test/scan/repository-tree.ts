// A repository written from a map of paths to texts, in a fresh temporary folder (tests of scans).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Writes `files` (repository paths -> text) under a new folder named after `prefix`; returns the folder. */
export function writeRepository(prefix: string, files: Record<string, string>): string {
  const top = mkdtempSync(join(tmpdir(), prefix));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(top, file)), { recursive: true });
    writeFileSync(join(top, file), text);
  }
  return top;
}
