// Entity tags of cached API answers (RFC 9110 8.8.3, 13.1.2): a client that polls sends back the
// tag it holds in If-None-Match and gets a 304 without a body while the answer is the same.
import { createHash } from 'node:crypto';

/**
 * A weak tag of an answer's bytes: weak, as the gzipped and the plain bodies of one JSON answer
 * share it (the same content in two encodings). Gzip is deterministic for one JSON text, so every
 * process of one Gatehouse version tags the same answer alike.
 */
export function weakEtagOf(bytes: Uint8Array): string {
  return `W/"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`;
}

/** Whether an If-None-Match header names `etag` (weak comparison, as GET asks) or is `*`. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  const opaque = (tag: string) => (tag.startsWith('W/') ? tag.slice(2) : tag);
  const wanted = opaque(etag);
  return ifNoneMatch.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || opaque(t) === wanted;
  });
}
