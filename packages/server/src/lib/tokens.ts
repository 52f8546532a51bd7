import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** `n` random lower-case Crockford characters (5 bits each; 32 symbols, so unbiased). */
function randomCrockford(n: number): string {
  let out = '';
  for (const b of randomBytes(n)) out += ALPHABET[b & 31];
  return out;
}

/** A fresh secret: prefix + 32 Crockford characters (160 random bits). */
export const newSecret = (prefix: string): string => `${prefix}_${randomCrockford(32)}`;

/**
 * A bot setup code, `XXXX-XXXX-XXXX`: 12 upper-case Crockford characters (60 random bits; no
 * I, L, O or U, so nothing reads as another character). Short enough to type; online guessing
 * is held off by expiry, one-time use and the claim rate limit.
 */
export function newSetupCode(): string {
  return (randomCrockford(12).toUpperCase().match(/.{4}/g) as string[]).join('-');
}

/**
 * The canonical form of a typed setup code, as hashed: trimmed, upper-cased, dashes and
 * spaces dropped, and the look-alikes Crockford decodes (O → 0, I and L → 1) folded back.
 * Anything that cannot be a code comes back as ''.
 */
export function canonicalSetupCode(typed: string): string {
  const s = typed
    .trim()
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  return /^[0-9A-HJKMNP-TV-Z]{12}$/.test(s) ? s : '';
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
