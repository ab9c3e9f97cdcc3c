// The embedded secret scanner as a program, so the engine runs it as a child process like any
// other scanner:
//   node cli.js scan <dir> [--allow-path GLOB]... [--repo-root DIR] [--max-file-bytes N]
//                          [--commits BASE..HEAD | --commits all]
//                          [--context-glob KIND=GLOB]... [--downgrade KIND,KIND | --downgrade none]
// Prints one JSON report (report-format.ts) on stdout; exit 0 whether or not it found secrets (the
// gate decides), 2 on a usage error (including a history range this clone cannot read: a shallow
// clone), 3 when the scan itself failed. No secret value is ever printed: the report holds masked
// previews and keyed hashes, and errors name files, never contents.
import { statSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT_CODES } from '../../errors.js';
import { FindingCollector } from './collect.js';
import { SECRET_CONTEXTS, type ContextOptions, type SecretContext } from './context.js';
import { SecretEngine } from './engine.js';
import { HistoryRangeError } from '../../errors.js';
import { scanHistory } from './history.js';
import { resolveMatchHasher } from './match-hash.js';
import { allowMatcher, DEFAULT_MAX_FILE_BYTES, scanDirectory } from './scan-directory.js';
import { leavesFolder } from '../../services/repo-path.js';

const USAGE =
  'usage: gatehouse-secrets scan <dir> [--allow-path GLOB]... [--repo-root DIR] [--max-file-bytes N] [--commits BASE..HEAD|all] [--context-glob KIND=GLOB]... [--downgrade KIND,...|none]';

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'allow-path': { type: 'string', multiple: true, default: [] },
        'repo-root': { type: 'string' },
        'max-file-bytes': { type: 'string' },
        commits: { type: 'string' },
        'context-glob': { type: 'string', multiple: true, default: [] },
        downgrade: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return fail(EXIT_CODES.usage, `${(error as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const [command, dir, ...extra] = positionals;
    if (command !== 'scan' || !dir || extra.length > 0) throw new UsageError(USAGE);
    const target = resolve(dir);
    if (!isDirectory(target)) throw new UsageError(`not a directory: ${target}`);
    const maxFileBytes = values['max-file-bytes'] === undefined ? DEFAULT_MAX_FILE_BYTES : Number(values['max-file-bytes']);
    if (!Number.isInteger(maxFileBytes) || maxFileBytes <= 0) throw new UsageError('--max-file-bytes must be a positive integer');
    const repoRoot = values['repo-root'] === undefined ? undefined : resolve(values['repo-root']);
    const context = contextOptions(values['context-glob'], values.downgrade);
    const engine = new SecretEngine();
    const hasher = resolveMatchHasher({ repoRoot: repoRoot ?? target });
    const collector = new FindingCollector(hasher, context);
    const options = { allowPaths: values['allow-path'], repoRoot, maxFileBytes, engine, hasher, context, collector };
    const report = scanDirectory(target, options);
    if (values.commits !== undefined) {
      const root = repoRoot ?? target;
      const fromTarget = relative(root, target);
      if (leavesFolder(fromTarget)) throw new UsageError(`--commits: ${target} is outside the repository root ${root}`);
      const isAllowed = allowMatcher(options);
      const cpuStarted = process.cpuUsage();
      const history = await scanHistory({
        repoRoot: root,
        range: values.commits,
        dirFromRoot: fromTarget.split(sep).join('/'),
        dirAbs: target,
        engine,
        collector,
        isSkipped: isAllowed,
        maxFileBytes,
        onSkip: (path, reason, commit) => {
          report.skipped.push({ path, reason, commit });
          report.stats.filesSkipped++;
        },
      });
      const cpu = process.cpuUsage(cpuStarted);
      report.stats.cpuMs += Math.round((cpu.user + cpu.system) / 1000);
      report.stats.durationMs += history.durationMs;
      report.stats.history = history;
      report.findings = collector.findings();
    }
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof HistoryRangeError) return fail(EXIT_CODES.usage, error.message);
    // Only the error's kind and message: a stack or cause could quote text that was being scanned.
    return fail(EXIT_CODES.scannerError, `scan failed: ${(error as Error).name}: ${(error as Error).message}`);
  }
}

function contextOptions(globs: string[], downgrade: string | undefined): ContextOptions {
  const byKind: Partial<Record<SecretContext, string[]>> = {};
  for (const spec of globs) {
    const eq = spec.indexOf('=');
    const kind = spec.slice(0, eq) as SecretContext;
    if (eq <= 0 || !SECRET_CONTEXTS.includes(kind) || eq === spec.length - 1) {
      throw new UsageError(`--context-glob must be KIND=GLOB with KIND one of ${SECRET_CONTEXTS.join(', ')}`);
    }
    (byKind[kind] ??= []).push(spec.slice(eq + 1));
  }
  const out: ContextOptions = { globs: byKind };
  if (downgrade !== undefined) {
    const kinds = downgrade === 'none' || downgrade === '' ? [] : downgrade.split(',').map((k) => k.trim());
    for (const k of kinds) {
      if (!SECRET_CONTEXTS.includes(k as SecretContext)) throw new UsageError(`--downgrade takes contexts (${SECRET_CONTEXTS.join(', ')}) or none, got ${JSON.stringify(k)}`);
    }
    out.downgrade = kinds as SecretContext[];
  }
  return out;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function fail(code: number, message: string): number {
  process.stderr.write(`gatehouse-secrets: ${message}\n`);
  return code;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`gatehouse-secrets: scan failed: ${(error as Error).name}\n`);
    process.exitCode = EXIT_CODES.scannerError;
  },
);
