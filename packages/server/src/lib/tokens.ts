import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** A fresh secret: prefix + 32 Crockford characters (160 random bits). */
export function newSecret(prefix: string): string {
  const bytes = randomBytes(32);
  let out = `${prefix}_`;
  for (const b of bytes) out += ALPHABET[b & 31];
  return out;
}

/** Secrets are stored only as the lower-case hex SHA-256 of the trimmed raw value. */
export const hashSecret = (raw: string): string =>
  createHash('sha256').update(raw.trim()).digest('hex');

/** Constant-time string equality for secrets and hashes. */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
