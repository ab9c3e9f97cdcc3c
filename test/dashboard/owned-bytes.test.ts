// What the cache keeps owns its memory (owned-bytes.ts): a gzipped answer or a deflated page piece
// of a few hundred bytes must not hold on to the 8-16 KiB allocation zlib or Buffer.concat cut it from.
import { describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { gzippedAnswer, type JsonAnswer } from '../../dashboard/api/answers.js';
import { deflatePiece, deflatePieceSync, inflatePiece } from '../../dashboard/gzip-join.js';
import { ownedBytes } from '../../dashboard/owned-bytes.js';
import { VersionedCache } from '../../dashboard/version-cache.js';

const pinned = (b: Buffer) => b.buffer.byteLength;

describe('bytes kept in the cache own their memory', () => {
  it('copies a small view into a large allocation, keeps a buffer that owns its memory as it is', () => {
    const big = Buffer.alloc(16_384, 7);
    const view = big.subarray(100, 900);
    const own = ownedBytes(view);
    expect(own.equals(view)).toBe(true);
    expect(pinned(own)).toBe(800);
    const whole = Buffer.alloc(5000);
    expect(ownedBytes(whole)).toBe(whole);
  });

  it('a small gzipped answer, gzipped in the thread or on the pool, pins no more than twice its size', async () => {
    const value = { service: 'svc', findings: Array.from({ length: 20 }, (_, i) => ({ id: i, title: `finding ${i}` })) };
    const answer = (key: string): JsonAnswer<typeof value> => ({ key, version: async () => 1, compute: async () => value });
    const cache = new VersionedCache();
    const waited = await gzippedAnswer({ cache }, answer('waited'));
    const ahead = await gzippedAnswer({ cache }, answer('ahead'), { pause: async () => {} });
    for (const gz of [waited, ahead]) {
      expect(JSON.parse(gunzipSync(gz).toString('utf8'))).toEqual(value);
      expect(pinned(gz)).toBeLessThanOrEqual(2 * gz.length);
    }
  });

  it('a piece whose deflated bytes pass the output chunk of a piece deflated in the thread (4 KiB) is whole, and owns its memory', async () => {
    // Random hex: deflates to about half, ~10 KB of output in several chunks.
    const text = Array.from({ length: 5000 }, (_, i) => ((i * 2654435761) >>> 0).toString(16)).join('');
    for (const level of [1, 6]) {
      const piece = deflatePieceSync(text, level);
      expect(piece.deflated.length).toBeGreaterThan(8192);
      expect(inflatePiece(piece)).toBe(text);
      expect(piece.deflated.buffer.byteLength).toBeLessThanOrEqual(2 * piece.deflated.length);
    }
  });

  it('a small deflated page piece, deflated in the thread or on the pool, pins no more than twice its size', async () => {
    const text = '<tr><td>a finding</td></tr>'.repeat(40);
    for (const piece of [deflatePieceSync(text), await deflatePiece(text)]) {
      expect(inflatePiece(piece)).toBe(text);
      expect(pinned(piece.deflated)).toBeLessThanOrEqual(2 * piece.deflated.length);
    }
  });
});
