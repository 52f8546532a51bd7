import type { Readable } from 'node:stream';

/** Where upload bytes live. Keys are server-generated; clients never choose a path. */
export interface BlobStore {
  /** Streams `body` in; fails (and keeps nothing) past `maxBytes`. */
  put(body: Readable, maxBytes: number): Promise<{ key: string; size: number; head: Buffer }>;
  open(key: string): Promise<{ stream: Readable; size: number }>;
  delete(key: string): Promise<void>;
}

export class BlobTooLargeError extends Error {}
