// The repository's file list for the coverage ledger: one walk of the working tree, the same
// folders left out as the embedded scanners leave out (node_modules, .git, build output), counted.
// Symbolic links are not followed (so a link loop cannot trap the walk) and are counted; a folder
// that cannot be read is recorded with why, never silently dropped.
import { readdirSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { SKIPPED_DIRECTORIES } from '../scanners/gatehouse-secrets/scan-directory.js';

export interface RepositoryInventory {
  /** Repository-relative paths with forward slashes, sorted. */
  files: string[];
  /** Folder name -> how many such folders were left out (`node_modules`: 3). */
  skippedDirectories: Map<string, number>;
  /** Symbolic links found (not followed). */
  symlinks: string[];
  unreadable: { path: string; reason: string }[];
}

/** Walks `repoRoot`; never throws for a part it cannot read (that part is listed as unreadable). */
export function listRepositoryFiles(repoRoot: string): RepositoryInventory {
  const inventory: RepositoryInventory = { files: [], skippedDirectories: new Map(), symlinks: [], unreadable: [] };
  const walk = (abs: string, rel: string) => {
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch (err) {
      inventory.unreadable.push({ path: rel || '.', reason: `folder cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})` });
      return;
    }
    for (const entry of entries) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isSymbolicLink()) {
        inventory.symlinks.push(childRel);
        // Not followed either way; a link that leads nowhere is named, so it is not a silent skip.
        const broken = brokenLink(join(abs, entry.name));
        if (broken) inventory.unreadable.push({ path: childRel, reason: broken });
      } else if (entry.isDirectory()) {
        if (SKIPPED_DIRECTORIES.has(entry.name)) {
          inventory.skippedDirectories.set(entry.name, (inventory.skippedDirectories.get(entry.name) ?? 0) + 1);
        } else walk(join(abs, entry.name), childRel);
      } else if (entry.isFile()) inventory.files.push(childRel);
      else inventory.unreadable.push({ path: childRel, reason: `not a regular file (${specialKind(entry)}), not read` });
    }
  };
  walk(repoRoot, '');
  inventory.files.sort();
  inventory.symlinks.sort();
  return inventory;
}

/** Why a symbolic link cannot be read through (a loop, a missing target), or undefined. */
function brokenLink(path: string): string | undefined {
  try {
    statSync(path);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return 'symbolic link loop, not followed';
    if (code === 'ENOENT') return 'symbolic link to a missing target, not followed';
    return `symbolic link cannot be followed (${code ?? 'error'})`;
  }
}

function specialKind(entry: Dirent): string {
  if (entry.isFIFO()) return 'a named pipe';
  if (entry.isSocket()) return 'a socket';
  if (entry.isCharacterDevice() || entry.isBlockDevice()) return 'a device';
  return 'unknown kind';
}
