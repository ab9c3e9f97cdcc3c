// Whether a client takes a gzip body, for the pages and the read API alike (RFC 9110 §12.5.3): a
// `gzip` (or `x-gzip`) entry decides by its q-value; without one, `*` does; without either, no. A
// q-value of 0 (or one that is not a number) refuses.

export function acceptsGzip(header: string | undefined): boolean {
  let any: boolean | undefined;
  for (const part of (header ?? '').split(',')) {
    const [coding, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    const allowed = q === undefined || Number(q.slice(2)) > 0;
    if (coding === 'gzip' || coding === 'x-gzip') return allowed;
    if (coding === '*') any = allowed;
  }
  return any ?? false;
}
