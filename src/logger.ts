// One Logger interface, injected: the CLI prints to the console, the action to @actions/core.
// Nothing in the engine writes to stdout/stderr directly.

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
}

export function createConsoleLogger(options: { verbose?: boolean; stream?: NodeJS.WritableStream } = {}): Logger {
  const out = options.stream ?? process.stderr;
  return {
    debug: (m) => {
      if (options.verbose) out.write(`debug: ${m}\n`);
    },
    info: (m) => out.write(`${m}\n`),
    warning: (m) => out.write(`warning: ${m}\n`),
    error: (m) => out.write(`error: ${m}\n`),
  };
}

/** Collects messages; for tests and for checking that no secret reaches a log line. */
export function createMemoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    debug: (m) => lines.push(`debug: ${m}`),
    info: (m) => lines.push(m),
    warning: (m) => lines.push(`warning: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
  };
}
