import { randomBytes, randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import { ID_PREFIX, type IdKind } from '@clickclack/protocol';

/**
 * ulid's default source asks the OS for one random byte per character (16 calls per id);
 * ids are made several times per message, so bytes come from a refilled pool instead.
 */
const pool = Buffer.alloc(4096);
let poolAt = pool.length;
function pooledRandom(): number {
  if (poolAt >= pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  return (pool[poolAt++] as number) / 256;
}

const ulid = monotonicFactory(pooledRandom);

/** `<prefix>_<lower-case ULID>`, monotonic within this process. */
export const newId = (kind: IdKind): string => `${ID_PREFIX[kind]}_${ulid().toLowerCase()}`;
export const newUlid = (): string => ulid().toLowerCase();

const ROUTE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Public route id: a type letter and 16 Crockford characters (80 random bits). */
export function newRouteId(letter: 'T' | 'C' | 'D' | 'M'): string {
  const bytes = randomBytes(16);
  let out = letter;
  for (const b of bytes) out += ROUTE_ALPHABET[b & 31];
  return out;
}

/** `eph_` + UTC yyyyMMddHHmmss.nnnnnnnnn, as upstream: ephemeral events are not ULIDs. */
export function newEphemeralId(now: Date = new Date()): string {
  const digits = now.toISOString().replace(/[-:TZ]/g, '');
  const nanos = String(process.hrtime()[1] % 1_000_000).padStart(6, '0');
  return `eph_${digits.slice(0, 14)}.${digits.slice(15, 18)}${nanos}`;
}
