// One-line descriptions of findings, shared by the gate's reasons and the reporters, so a developer
// reads the same words in the CLI, the PR comment and the job summary.
import type { Finding } from '../findings/finding.js';
import { scrubSecrets } from '../findings/redact.js';

/** "path:line" or "path" or the image, whichever the finding has. */
export function describeLocation(f: Finding): string {
  const { path, startLine, image } = f.location;
  if (path) return startLine ? `${path}:${startLine}` : path;
  return image ?? '';
}

/**
 * A secret's details in one line: "test context (counts as low; rule: high) · 3 occurrences (lines
 * 4, 9, 12) · added in commit 1a2b3c4d5e6f". Empty for a plain finding in code, seen once.
 */
export function describeSecret(f: Finding): string {
  const s = f.secret;
  if (!s) return '';
  const parts: string[] = [];
  if (s.context !== 'code') parts.push(`${s.context} context${s.ruleSeverity ? ` (counts as ${f.severity}; rule: ${s.ruleSeverity})` : ''}`);
  if (s.occurrences > 1) parts.push(`${s.occurrences} occurrences (line${s.lines.length > 1 ? 's' : ''} ${s.lines.join(', ')}${s.lines.length < s.occurrences ? ', ...' : ''})`);
  if (s.commit) parts.push(`added in commit ${s.commit.slice(0, 12)}`);
  return parts.join(' · ');
}

/** The fix hint: "fixed in 4.17.21", the tool's fix text, or "no fix yet" for packages. */
export function describeFix(f: Finding): string | undefined {
  const pkg = f.location.package;
  if (pkg && pkg.fixedVersions.length > 0) return `fixed in ${pkg.fixedVersions.join(', ')}`;
  if (f.fix) return f.fix;
  if (pkg) return f.fixAvailable ? 'a fix exists' : 'no fix yet';
  return undefined;
}

/**
 * "CVE-2021-23337 in lodash 4.17.20 (fixed in 4.17.21)", "aws-access-key-id in deploy.sh:3",
 * "python.lang.security.audit.eval in app/views.py:12". Plain text (reporters escape it).
 */
export function describeFinding(f: Finding): string {
  const pkg = f.location.package;
  let text: string;
  if (pkg) {
    const fixed =
      pkg.fixedVersions.length > 0
        ? ` (fixed in ${pkg.fixedVersions.join(', ')})`
        : f.fixAvailable && f.fix
          ? ` (fix: ${f.fix})`
          : ' (no fix yet)';
    // npm audit v2 reports a vulnerable range, not an installed version.
    text = `${f.ruleId} in ${pkg.name}${pkg.version ? ` ${pkg.version}` : ''}${fixed}`;
    if (f.category === 'container' && f.location.image) text += ` in image ${f.location.image}`;
  } else {
    const where = describeLocation(f);
    text = where ? `${f.ruleId} in ${where}` : f.ruleId;
  }
  return scrubSecrets(text);
}
