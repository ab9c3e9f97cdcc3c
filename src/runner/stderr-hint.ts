// What a failing tool's stderr says, in our words. The text itself is never quoted: a tool can print
// anything there (a password it failed to log in with, an account key in a connection string), and
// no scrubber knows every secret shape. We say how much it printed and, when a line matches a known
// failure, what that failure is, in a fixed sentence of our own.

interface KnownFailure {
  pattern: RegExp;
  /** Our sentence; `status` is the HTTP status the pattern captured, when it captures one. */
  say: (status: string | undefined) => string;
}

// Ordered: the first match wins (the most specific pattern first).
const KNOWN_FAILURES: readonly KnownFailure[] = [
  {
    // npm: "npm warn audit 405 Method Not Allowed - POST .../-/npm/v1/security/advisories/bulk"
    pattern: /\baudit\b.*\b(4\d\d|5\d\d)\b|\b(4\d\d|5\d\d)\b.*\/security\/(?:advisories|audits)/i,
    say: (status) => `the registry refused the audit endpoint (HTTP ${status})`,
  },
  { pattern: /\bE?AI_AGAIN\b|\bENOTFOUND\b|getaddrinfo|no such host|could not resolve host/i, say: () => 'a host name could not be resolved (no network or DNS?)' },
  { pattern: /\bECONNREFUSED\b|connection refused/i, say: () => 'a network connection was refused' },
  { pattern: /\bETIMEDOUT\b|\bi\/o timeout\b|context deadline exceeded/i, say: () => 'a network request timed out' },
  { pattern: /\bECONNRESET\b|connection reset/i, say: () => 'a network connection was reset' },
  { pattern: /certificate|\bx509\b|\bTLS\b|\bSSL\b/, say: () => 'a TLS certificate could not be verified' },
  {
    pattern: /(?:failed to|could not|unable to|cannot) (?:download|update|fetch)\b.*\b(?:db|database)\b/i,
    say: () => 'it could not download its vulnerability database',
  },
  { pattern: /database (?:is )?locked/i, say: () => 'its database was locked (another process may be using its cache)' },
  { pattern: /out of memory|heap out of memory|\bOOM\b|cannot allocate memory/i, say: () => 'it ran out of memory' },
  { pattern: /no space left on device|\bENOSPC\b/i, say: () => 'the disk is full' },
  { pattern: /permission denied|\bEACCES\b|\bEPERM\b/i, say: () => 'a file could not be read or written (permission denied)' },
  { pattern: /rate limit|too many requests|\b429\b/i, say: () => 'a service rate-limited it (HTTP 429)' },
  { pattern: /\b(401|403)\b|unauthori[sz]ed|forbidden|authentication (?:failed|required)|login failed/i, say: (s) => `an authentication or permission check failed${s ? ` (HTTP ${s})` : ''}` },
  { pattern: /\b(5\d\d)\b (?:internal server error|bad gateway|service unavailable|gateway time-?out)/i, say: (s) => `a server answered with an error (HTTP ${s})` },
  { pattern: /unknown (?:flag|option|command|shorthand flag)|unrecognized (?:arguments?|option)|invalid (?:flag|option)/i, say: () => 'it did not accept its command-line arguments (a version mismatch?)' },
  { pattern: /no such file or directory|\bENOENT\b/i, say: () => 'a file or folder it needed does not exist' },
  { pattern: /\bpanic:|\bSegmentation fault\b|\bTraceback \(most recent call last\)/, say: () => 'it crashed (a panic or an unhandled exception)' },
];

/**
 * `; it printed N bytes to stderr (not shown ...)` plus the known failures it reports, or '' when
 * stderr was empty. Never any of stderr's own text.
 */
export function describeStderr(stderr: string, alreadySaid = ''): string {
  if (stderr.trim() === '') return '';
  const bytes = Buffer.byteLength(stderr, 'utf8');
  // A parser that already explained the failure (e.g. npm audit's 405) is not repeated.
  const said = classifyStderr(stderr).filter((sentence) => !alreadySaid.includes(sentence));
  return `; it printed ${bytes} bytes to stderr (not shown: a tool's output may hold secrets)${said.map((s) => `; ${s}`).join('')}`;
}

/** The known failures stderr reports, as our own sentences (at most two, each once). */
export function classifyStderr(stderr: string): string[] {
  // The end of stderr holds the reason; a megabyte of progress output before it is not worth a scan.
  const tail = stderr.length > 16_384 ? stderr.slice(-16_384) : stderr;
  const said: string[] = [];
  for (const known of KNOWN_FAILURES) {
    const m = known.pattern.exec(tail);
    if (!m) continue;
    const status = m.slice(1).find((g) => g !== undefined);
    const sentence = known.say(status);
    if (!said.includes(sentence)) said.push(sentence);
    if (said.length === 2) break;
  }
  return said;
}
