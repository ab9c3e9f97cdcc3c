// The per-service SVG badge (shields.io look): worst open severity and counts, or "no data".
import { SEVERITY_ORDER } from '../../src/findings/severity.js';
import type { ServiceOverview, Severity } from '../store/types.js';

const COLORS: Record<Severity | 'none' | 'nodata', string> = {
  critical: '#b60205',
  high: '#e05d44',
  medium: '#dfb317',
  low: '#a4a61d',
  info: '#4c9be8',
  unknown: '#9f9f9f',
  none: '#44cc11',
  nodata: '#9f9f9f',
};

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

export function badgeMessage(service: ServiceOverview | undefined): { message: string; color: string } {
  if (!service || !service.lastSnapshotAt) return { message: 'no data', color: COLORS.nodata };
  const parts = SEVERITY_ORDER.filter((s) => service.open[s] > 0 && s !== 'info').map((s) => `${service.open[s]} ${s}`);
  if (parts.length === 0) return { message: 'no open findings', color: COLORS.none };
  const worst = SEVERITY_ORDER.find((s) => service.open[s] > 0 && s !== 'info')!;
  return { message: parts.slice(0, 2).join(' | '), color: COLORS[worst] };
}

/** Widths are estimated (about 6.5 px a character at 11 px Verdana), as shields does without font metrics. */
export function renderBadge(label: string, message: string, color: string): string {
  const lw = Math.round(label.length * 6.5 + 10);
  const mw = Math.round(message.length * 6.5 + 10);
  const w = lw + mw;
  const l = escapeXml(label);
  const m = escapeXml(message);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${l}: ${m}">
<title>${l}: ${m}</title>
<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>
<clipPath id="r"><rect width="${w}" height="20" rx="3" fill="#fff"/></clipPath>
<g clip-path="url(#r)"><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${mw}" height="20" fill="${color}"/><rect width="${w}" height="20" fill="url(#s)"/></g>
<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">
<text x="${lw / 2}" y="14">${l}</text><text x="${lw + mw / 2}" y="14">${m}</text>
</g>
</svg>
`;
}
