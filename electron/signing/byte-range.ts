import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * Digest of the bytes a PDF signature covers, streamed from disk with Node's crypto
 * (OpenSSL/BoringSSL speed, constant memory): a 150 MB PDF is never held in memory.
 * `byteRange` is the /ByteRange array: pairs of (offset, length).
 */
export async function digestByteRange(path: string, byteRange: number[], algorithm = 'sha256'): Promise<Buffer> {
  const hash = createHash(algorithm);
  for (let i = 0; i + 1 < byteRange.length; i += 2) {
    const [start, length] = [byteRange[i], byteRange[i + 1]];
    if (length === 0) continue;
    const stream = createReadStream(path, { start, end: start + length - 1, highWaterMark: 1 << 20 });
    for await (const chunk of stream) hash.update(chunk as Buffer);
  }
  return hash.digest();
}
