// The CLI's flag parsing: node:util parseArgs, whose "unknown flag" names the nearest flag that this
// very parser accepts (its own options), never the flag it just refused nor one of another command.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error.js';

/** parseArgs(config); an unknown flag is a UsageError suggesting the nearest of `config.options`. */
export function parseCommandArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    if ((err as { code?: string } | null)?.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw err;
    throw new UsageError(unknownFlagMessage((err as Error).message, Object.keys(config.options ?? {})));
  }
}

/** Whether `err` is node:util parseArgs' own (a usage error of the command line). */
export function isParseArgsError(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/** `unknown flag --prot; did you mean --port?` from parseArgs' message and the flags its parser accepts. */
export function unknownFlagMessage(parseArgsMessage: string, accepted: readonly string[]): string {
  const flag = /'(-{1,2}[^']*)'/.exec(parseArgsMessage)?.[1] ?? '';
  const name = flag.replace(/^-+/, '').replace(/=.*$/, '');
  const suggestion = nearest(name, accepted.filter((k) => k !== name));
  return `unknown flag ${flag}${suggestion ? `; did you mean --${suggestion}?` : ''}`;
}

/** The known word closest to `word` (edit distance at most 2, or a prefix), if any. */
export function nearest(word: string, known: readonly string[]): string | undefined {
  let best: { word: string; d: number } | undefined;
  for (const k of known) {
    const d = k.startsWith(word) && word.length >= 3 ? 1 : editDistance(word.toLowerCase(), k);
    if (d <= (k.length >= 4 ? 2 : 1) && (!best || d < best.d)) best = { word: k, d };
  }
  return best?.word;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const keep = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = keep;
    }
  }
  return row[b.length]!;
}
