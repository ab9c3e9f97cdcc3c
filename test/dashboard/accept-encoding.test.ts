import { describe, expect, it } from 'vitest';
import { acceptsGzip } from '../../dashboard/accept-encoding.js';

describe('acceptsGzip', () => {
  it('allows gzip when the header names it, x-gzip, or * with a q-value above 0', () => {
    for (const header of ['gzip', 'gzip, deflate, br', 'br;q=1.0, GZIP;q=0.5', '*', 'x-gzip', 'br, *;q=0.1', 'gzip ; q=1']) expect(acceptsGzip(header), header).toBe(true);
  });

  it('refuses when the header is absent, names other codings only, or gives gzip q=0 (even beside *)', () => {
    for (const header of [undefined, '', 'identity', 'br', 'gzip;q=0', 'deflate, gzip; q=0.0', 'gzip;q=0, *', '*;q=0', 'gzip;q=nonsense']) expect(acceptsGzip(header), String(header)).toBe(false);
  });
});
