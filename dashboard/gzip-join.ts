// One gzip member from pieces compressed apart: a cached page body is deflated once, for every
// viewer, and each request only deflates its own small frame (top bar, CSRF token) around it.
//
// Each piece is a raw deflate stream ended by a sync flush (byte-aligned, no final block), so the
// pieces can follow each other in one deflate stream; the last piece ends with the final block. A
// piece never refers back into another (each has its own compressor), which deflate allows. The
// gzip trailer's CRC-32 of the whole is combined from the pieces' CRCs (zlib's crc32_combine_op), so
// no request reads the body's text again. The read API's kept answers are joined the same way
// (api/answers.ts, api/narrower-answers.ts).
import * as zlib from 'node:zlib';
import { constants, deflateRaw, deflateRawSync, inflateRawSync } from 'node:zlib';
import { promisify } from 'node:util';
import { ownedBytes } from './owned-bytes.js';

const deflateRawAsync = promisify(deflateRaw);

/** A piece of text as a raw deflate stream ended by a sync flush, with its CRC-32 and byte length. */
export interface DeflatedPiece {
  deflated: Buffer;
  crc: number;
  /** UTF-8 bytes of the text. */
  length: number;
  /** crc32Shift(length), so joining costs one multiplication. */
  shift: number;
}

/**
 * How hard a piece is compressed. A body a request waits for (a view nobody rendered before) is
 * deflated at level 1: about a third of level 6's CPU on a 130 KiB service page (0.6 against
 * 1.7 ms), about 20% larger (18 against 15 KiB). A render ahead (nobody waits) takes level 6: the
 * many later visits of those pages get the smaller bytes.
 */
export const WAITED_LEVEL = 1;
export const AHEAD_LEVEL = constants.Z_DEFAULT_COMPRESSION;

/** Deflates a piece (text, or its UTF-8) on libuv's thread pool (large bodies rendered ahead: other requests go on meanwhile). */
export async function deflatePiece(content: string | Buffer, level: number = AHEAD_LEVEL): Promise<DeflatedPiece> {
  const bytes = utf8(content);
  return { deflated: ownedBytes(await deflateRawAsync(bytes, { level, finishFlush: constants.Z_SYNC_FLUSH })), crc: crc32(bytes), length: bytes.length, shift: crc32Shift(bytes.length) };
}

/**
 * zlib's output chunk for a piece deflated in this thread: at most what Node's Buffer pool hands out
 * (allocUnsafe below half its 8 KiB slab). The default 16 KiB chunk is an allocation of its own per
 * call, most of the cost of a small piece (a sort view's table head and end: ~50 against ~6 us for
 * 30 bytes, min of 25 x 400 calls); a larger output takes more chunks, joined.
 */
const POOLED_CHUNK_MAX = (Buffer.poolSize >>> 1) - 64;
const outputChunk = (inputBytes: number) => Math.min(POOLED_CHUNK_MAX, Math.max(constants.Z_MIN_CHUNK, inputBytes + 64));

/**
 * Deflates a piece (text, or its UTF-8) in this thread: a page's frame, and a body a request waits for (at
 * WAITED_LEVEL its 130 KiB take about 0.6 ms; the thread-pool trip cost about 0.5 ms more CPU).
 */
export function deflatePieceSync(content: string | Buffer, level: number = AHEAD_LEVEL): DeflatedPiece {
  const bytes = utf8(content);
  const deflated = deflateRawSync(bytes, { level, finishFlush: constants.Z_SYNC_FLUSH, chunkSize: outputChunk(bytes.length), ...deflateStateFor(bytes.length) });
  return { deflated: ownedBytes(deflated), crc: crc32(bytes), length: bytes.length, shift: crc32Shift(bytes.length) };
}

/**
 * A piece of text stored as it is (deflate's stored blocks, each up to 65,535 bytes): no compressor,
 * for a few hundred bytes at most (an answer's head, a cut's own rows), where setting one up costs
 * more than the bytes it would save. Byte-aligned like a sync-flushed piece, so any piece may follow.
 */
export function storedPiece(content: string | Buffer): DeflatedPiece {
  const bytes = utf8(content);
  const blocks = Math.max(1, Math.ceil(bytes.length / STORED_MAX));
  const deflated = Buffer.allocUnsafe(bytes.length + 5 * blocks);
  let at = 0;
  for (let b = 0; b < blocks; b++) {
    const part = bytes.subarray(b * STORED_MAX, (b + 1) * STORED_MAX);
    // BFINAL 0, BTYPE 00 (stored), then LEN and its complement, little-endian, then the bytes.
    deflated[at] = 0;
    deflated.writeUInt16LE(part.length, at + 1);
    deflated.writeUInt16LE(~part.length & 0xffff, at + 3);
    part.copy(deflated, at + 5);
    at += part.length + 5;
  }
  return { deflated, crc: crc32(bytes), length: bytes.length, shift: crc32Shift(bytes.length) };
}

const STORED_MAX = 0xffff;

/**
 * zlib's window and memory level for a deflate of `bytes` bytes in this thread. At its defaults
 * (15-bit window, memLevel 8) deflate's state is ~270 KB, past malloc's threshold for a mapping of
 * its own: each call maps it anew and the kernel faults it in page by page, ~100 us of CPU for a
 * 1.7 KB piece against ~20 us with a state sized to it (mean of 3,000 calls, bench machine). A
 * window holding the input and deflate's lookahead (262 bytes) finds every match the full one does.
 */
export function deflateStateFor(bytes: number): { windowBits: number; memLevel: number } {
  const windowBits = Math.min(15, Math.max(9, Math.ceil(Math.log2(bytes + 262))));
  return { windowBits, memLevel: windowBits >= 15 ? 8 : Math.max(1, windowBits - 8) };
}

const utf8 = (content: string | Buffer) => (typeof content === 'string' ? Buffer.from(content, 'utf8') : content);

/** The text of a piece (clients that do not take gzip). */
export function inflatePiece(piece: DeflatedPiece): string {
  return inflateRawSync(piece.deflated, { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8');
}

/**
 * The text of a small piece (a block of a kept answer a cut takes part of): its output in one chunk
 * of Node's Buffer pool while it fits, not the default 16 KiB allocation (most of a small inflate's cost).
 */
export function inflateSmallPiece(piece: DeflatedPiece): string {
  return inflateRawSync(piece.deflated, { finishFlush: constants.Z_SYNC_FLUSH, chunkSize: outputChunk(piece.length) }).toString('utf8');
}

const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
/** A final empty stored block: ends the deflate stream after sync-flushed pieces. */
const FINAL_BLOCK = Buffer.from([0x03, 0x00]);

/** One gzip member whose content is the pieces' texts in order. */
export function joinGzip(pieces: DeflatedPiece[]): Buffer {
  let crc = 0;
  let length = 0;
  for (const p of pieces) {
    crc = crc32Combine(crc, p.crc, p.length, p.shift);
    length += p.length;
  }
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(length % 2 ** 32, 4);
  return Buffer.concat([GZIP_HEADER, ...pieces.map((p) => p.deflated), FINAL_BLOCK, trailer]);
}

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/**
 * zlib's own CRC-32 where Node has it (20.15+, 22.2+): native, about 20 times faster than the table
 * loop, which matters on a 170 KiB page body (1-2 ms of the event loop per body).
 */
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

export function crc32(bytes: Uint8Array, crc = 0): number {
  return nativeCrc32 ? nativeCrc32(bytes, crc) >>> 0 : crc32ByTable(bytes, crc);
}

/** The same CRC-32 in JavaScript (Node before 20.15); exported for the test that keeps both equal. */
export function crc32ByTable(bytes: Uint8Array, crc = 0): number {
  let c = ~crc;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

const POLY = 0xedb88320;

/** a(x) * b(x) modulo the CRC-32 polynomial (reflected bit order, as zlib's multmodp). */
function multModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if ((a & m) !== 0) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

/** x^(2^n) modulo the polynomial, n = 0..31. */
const X2N = (() => {
  const t = new Uint32Array(32);
  let p = 1 << 30; // x^1
  t[0] = p;
  for (let n = 1; n < 32; n++) t[n] = p = multModP(p, p);
  return t;
})();

/** The operator that appends `length` bytes to a CRC (x^(8 * length) modulo the polynomial). */
function crc32Shift(length: number): number {
  let p = 0x80000000; // x^0
  let k = 3;
  for (let n = length; n > 0; n = Math.floor(n / 2), k++) if (n % 2 === 1) p = multModP(X2N[k & 31], p);
  return p;
}

/** The CRC-32 of A followed by B from crc(A), crc(B) and B's length (zlib's crc32_combine). */
export function crc32Combine(crc1: number, crc2: number, len2: number, shift = crc32Shift(len2)): number {
  return (multModP(shift, crc1 >>> 0) ^ crc2) >>> 0;
}
