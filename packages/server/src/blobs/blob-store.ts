import type { Readable } from 'node:stream';
import type { ByteRange } from '../lib/byte-range.js';

/** Where upload bytes live. Keys are server-generated; clients never choose a path. */
export interface BlobStore {
  /** Streams `body` in; fails (and keeps nothing) past `maxBytes`. */
  put(body: Readable, maxBytes: number): Promise<{ key: string; size: number; head: Buffer }>;
  /** The whole blob, or only `range` of it; `size` is always the whole blob's. */
  open(key: string, range?: ByteRange): Promise<{ stream: Readable; size: number }>;
  size(key: string): Promise<number>;
  delete(key: string): Promise<void>;
}

export class BlobTooLargeError extends Error {}
