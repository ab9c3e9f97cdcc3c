// Reads one file out of a zip archive (GitHub serves workflow artifacts as zips), in memory and with
// a size cap checked before inflating: the archive comes from an untrusted run, so a zip bomb or a
// lying header must fail with a reason, never fill the disk or memory.
import { inflateRawSync } from 'node:zlib';

export class ZipError extends Error {
  override name = 'ZipError';
}

/** The names and bytes of the files in `zip` (stored or deflated), each at most `maxBytes`. */
export function readZipEntries(zip: Buffer, maxBytes: number): Map<string, Buffer> {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd === -1 || eocd + 22 > zip.length) throw new ZipError('not a zip archive (no end of central directory)');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== 0x02014b50) throw new ZipError('damaged central directory');
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const next = at + 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const local = zip.readUInt32LE(at + 42);
    at = next;
    if (name.endsWith('/')) continue;
    if (size > maxBytes) throw new ZipError(`${name} is ${size} bytes, over the ${maxBytes}-byte limit`);
    if (local + 30 > zip.length || zip.readUInt32LE(local) !== 0x04034b50) throw new ZipError(`damaged local header of ${name}`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + compressed);
    if (data.length !== compressed) throw new ZipError(`${name} is cut short`);
    let bytes: Buffer;
    if (method === 0) bytes = Buffer.from(data);
    else if (method === 8) {
      try {
        bytes = inflateRawSync(data, { maxOutputLength: maxBytes });
      } catch (error) {
        throw new ZipError(`${name} does not inflate within ${maxBytes} bytes: ${error instanceof Error ? error.message : String(error)}`);
      }
    } else throw new ZipError(`${name} uses compression method ${method}`);
    if (bytes.length !== size) throw new ZipError(`${name} inflates to ${bytes.length} bytes, its header says ${size}`);
    out.set(name, bytes);
  }
  return out;
}
