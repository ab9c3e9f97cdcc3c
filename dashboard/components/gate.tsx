import type { FC } from 'hono/jsx';

/** The last gate result: passed / failed / scanner error / none yet. */
export const GateBadge: FC<{ outcome?: 'passed' | 'failed' | 'scanner-error' }> = ({ outcome }) =>
  outcome ? (
    <span class={`gate gate-${outcome}`}>{outcome === 'scanner-error' ? 'scanner error' : outcome}</span>
  ) : (
    <span class="gate gate-none">—</span>
  );
