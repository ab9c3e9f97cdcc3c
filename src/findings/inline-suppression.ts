// A finding the tool itself reports as suppressed by a marker in the code (`nosemgrep`,
// `gitleaks:allow`, ...): the suppression the gate gives it, and the dashboard keeps when a report's
// own suppression of it was a dashboard decision (dashboard/store/lifecycle.ts).
import type { SuppressionRef } from './finding.js';

/** The inline marker each tool uses, for `suppression.source` of an inline-suppressed finding. */
const INLINE_MARKERS: Record<string, string> = {
  semgrep: 'nosemgrep',
  gitleaks: 'gitleaks:allow',
  trivy: '.trivyignore',
  'gatehouse-secrets': 'gatehouse:allow',
};

function inlineMarkerFor(tool: string): string {
  return INLINE_MARKERS[tool] ?? `${tool} inline marker`;
}

/** The suppression of a finding its tool marked suppressed inline. */
export function inlineSuppression(tool: string): SuppressionRef {
  return { source: inlineMarkerFor(tool), reason: 'inline marker in the code' };
}
