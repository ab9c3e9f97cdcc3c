import { raw } from 'hono/html';
import type { FC } from 'hono/jsx';
import { esc } from './html-text.js';

type Outcome = 'passed' | 'failed' | 'scanner-error';

/** The gate badge as markup. */
export function gateBadgeHtml(outcome: Outcome | undefined): string {
  if (!outcome) return '<span class="gate gate-none">—</span>';
  const o = esc(outcome);
  return `<span class="gate gate-${o}">${outcome === 'scanner-error' ? 'scanner error' : o}</span>`;
}

/** The last gate result: passed / failed / scanner error / none yet. */
export const GateBadge: FC<{ outcome?: Outcome }> = ({ outcome }) => raw(gateBadgeHtml(outcome));
