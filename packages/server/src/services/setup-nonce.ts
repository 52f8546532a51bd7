import { badRequest, conflict } from './errors.js';

/**
 * `setup_nonce` (spec §2.4, §3.1): an installer's retry key for bot create, token create and
 * app install. The first request stores it on the row it makes; a repeat by the same caller
 * with the same input gets that row back instead of a second one, other input a 409. Writes
 * run one at a time, so concurrent repeats find the first one's row as well (and the unique
 * index per creator would refuse a second insert regardless).
 */
export function setupNonce(raw: string | undefined): string {
  const nonce = (raw ?? '').trim();
  if (nonce !== '' && (nonce.length < 16 || nonce.length > 128))
    throw badRequest('setup_nonce must be 16-128 characters');
  return nonce;
}

/** The nonce was used before for something else, or what it made was revoked since. */
export const setupNonceConflict = () =>
  conflict('setup_nonce was already used with different input');
