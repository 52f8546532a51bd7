import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ByteRange } from '../lib/byte-range.js';
import { BlobTooLargeError, type BlobStore } from './blob-store.js';

const KEY = /^upload-[0-9a-f]{32}$/;
const HEAD_BYTES = 64 * 1024;

/** Uploads as files named `upload-<random>` in one directory (shared by nodes if mounted). */
export class LocalDiskBlobStore implements BlobStore {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  private path(key: string): string {
    // Keys are ours, but never trust one enough to build a path from it unchecked.
    if (!KEY.test(key)) throw new Error('invalid blob key');
    return join(this.dir, key);
  }

  async put(
    body: Readable,
    maxBytes: number,
  ): Promise<{ key: string; size: number; head: Buffer }> {
    const key = `upload-${randomBytes(16).toString('hex')}`;
    const tmp = join(this.dir, `.${key}.partial`);
    let size = 0;
    const head: Buffer[] = [];
    let headSize = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > maxBytes)
          return done(new BlobTooLargeError(`upload is larger than ${maxBytes} bytes`));
        if (headSize < HEAD_BYTES) {
          head.push(chunk.subarray(0, HEAD_BYTES - headSize));
          headSize += Math.min(chunk.length, HEAD_BYTES - headSize);
        }
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, meter, createWriteStream(tmp, { mode: 0o600 }));
      await rename(tmp, this.path(key));
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return { key, size, head: Buffer.concat(head) };
  }

  async open(key: string, range?: ByteRange): Promise<{ stream: Readable; size: number }> {
    const p = this.path(key);
    const { size } = await stat(p);
    return { stream: createReadStream(p, range ?? {}), size };
  }

  async size(key: string): Promise<number> {
    return (await stat(this.path(key))).size;
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }
}
