// Typed errors. Each carries what a user needs to act; only the entry points (CLI, action) turn
// them into exit codes (see EXIT_CODES and the README).

export const EXIT_CODES = {
  passed: 0,
  gateFailed: 1,
  usage: 2,
  scannerError: 3,
  /** `gatehouse push`: the dashboard refused the report or could not be reached. */
  pushFailed: 4,
} as const;

/**
 * `scheme://user:password@host` -> `scheme://user:****@host`, and `password=...` (a URL's query
 * parameter, as pg reads it, or a key=value connection string's) -> `password=****`, wherever it
 * occurs in a message: an entry point echoes what it was given (a stray argument, a connection
 * string), never a password.
 */
export function withoutUrlPasswords(text: string): string {
  // The user part ends at the last `@` before the host (a password may hold an unencoded `@`, as
  // WHATWG URLs and pg read it); a quoted key=value password may hold escaped quotes.
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^/\s:@]*):[^\s/?#]*@/gi, '$1:****@').replace(/\b((?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s'&#]+)/gi, '$1****');
}

/** A mistake in the user's config, flags or inputs. Exit 2. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    message: string,
    readonly details: { file?: string; line?: number; column?: number; field?: string } = {},
  ) {
    super(message);
  }
}

/**
 * A history range (`--commits BASE..HEAD`) this clone cannot read: a revision that is missing (a
 * shallow clone: fetch more history) or malformed. Exit 2, never an empty pass.
 */
export class HistoryRangeError extends ConfigError {
  override name = 'HistoryRangeError';
  constructor(message: string) {
    super(message, { field: 'commits' });
  }
}

/** A scanner could not produce a trustworthy result: missing, crashed, timed out, garbage output. */
export class ScannerError extends Error {
  override name = 'ScannerError';
  constructor(
    readonly scanner: string,
    readonly reason: string,
    readonly kind: 'missing' | 'crashed' | 'exit-code' | 'timeout' | 'bad-output' | 'unsupported-format',
  ) {
    super(`${scanner}: ${reason}`);
  }
}

/** A report whose shape no parser knows (e.g. a legacy format). Never read as "zero findings". */
export class UnsupportedFormatError extends Error {
  override name = 'UnsupportedFormatError';
  constructor(
    readonly tool: string,
    message: string,
  ) {
    super(`unsupported ${tool} report format: ${message}`);
  }
}

/** Output that claims to be a tool's report but does not parse or does not match its schema. */
export class ScannerOutputError extends Error {
  override name = 'ScannerOutputError';
  constructor(
    readonly tool: string,
    message: string,
  ) {
    super(`${tool} output is not valid: ${message}`);
  }
}

/**
 * The tool's output is a well-formed report of its own failure (npm's `{"error": ...}` when the
 * registry refuses the audit endpoint): still no findings to trust, but the output is not "invalid",
 * so the message is the tool's reason in our words ("npm-audit: the registry refused ...").
 */
export class ToolFailureReportError extends ScannerOutputError {
  override name = 'ToolFailureReportError';
  constructor(tool: string, reason: string) {
    super(tool, reason);
    this.message = `${tool}: ${reason}`;
  }
}
