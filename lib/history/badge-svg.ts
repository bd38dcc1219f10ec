import type { DeploymentStatus } from '../store';

export interface BadgeSpec {
  label: string;
  message: string;
  /** fill of the message half, a CSS colour */
  color: string;
}

/** Shields.io's palette, so the badge sits well next to others in a README. */
export const BADGE_COLORS: Record<DeploymentStatus | 'none' | 'unknown', string> = {
  succeeded: '#4c1',
  failed: '#e05d44',
  running: '#007ec6',
  queued: '#dfb317',
  skipped: '#9f9f9f',
  none: '#9f9f9f',
  unknown: '#9f9f9f',
};

/** The badge of a repo's last deployment on this host (`none` when it never deployed). */
export function deploymentBadge(status: DeploymentStatus | undefined, label = 'deploy'): BadgeSpec {
  return { label, message: status ?? 'never deployed', color: BADGE_COLORS[status ?? 'none'] };
}

/*
 * Widths of Verdana 11px glyphs (what shields.io measures with), rounded: close enough
 * that the text fits its box without a font on the server.
 */
const NARROW = new Set([...'fijlrtI!|.,:;\'` ']);
const WIDE = new Set([...'mwMW@%']);

export function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) {
    if (NARROW.has(ch)) w += 3.9;
    else if (WIDE.has(ch)) w += 10.5;
    else if (ch >= 'A' && ch <= 'Z') w += 7.5;
    else w += 6.8;
  }
  return Math.ceil(w);
}

function xml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** A flat shields-style SVG. Every text is XML-escaped; the colour is checked, not trusted. */
export function badgeSvg(spec: BadgeSpec): string {
  const color = /^#[0-9a-fA-F]{3,8}$/.test(spec.color) ? spec.color : BADGE_COLORS.unknown;
  const label = spec.label.slice(0, 60);
  const message = spec.message.slice(0, 60);
  const lw = textWidth(label) + 12;
  const mw = textWidth(message) + 12;
  const total = lw + mw;
  const title = xml(`${label}: ${message}`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${total}" height="20" role="img" aria-label="${title}">`,
    `<title>${title}</title>`,
    '<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>',
    `<clipPath id="r"><rect width="${total}" height="20" rx="3" fill="#fff"/></clipPath>`,
    `<g clip-path="url(#r)"><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${mw}" height="20" fill="${color}"/><rect width="${total}" height="20" fill="url(#s)"/></g>`,
    '<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">',
    `<text x="${lw / 2}" y="15" fill="#010101" fill-opacity=".3">${xml(label)}</text><text x="${lw / 2}" y="14">${xml(label)}</text>`,
    `<text x="${lw + mw / 2}" y="15" fill="#010101" fill-opacity=".3">${xml(message)}</text><text x="${lw + mw / 2}" y="14">${xml(message)}</text>`,
    '</g></svg>',
  ].join('');
}
