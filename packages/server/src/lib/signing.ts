import { createHmac } from 'node:crypto';
import { safeEqual } from './tokens.js';

/** `sha256=<hex>` HMAC over `<timestamp>.<body>` keyed with the signing secret. */
export function signBody(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function verifySignature(
  secret: string,
  timestamp: string,
  body: string,
  signature: string,
): boolean {
  return safeEqual(signBody(secret, timestamp, body), signature);
}

/** Headers every signed callback carries. */
export function signedHeaders(
  secret: string,
  body: string,
  now = Date.now(),
): Record<string, string> {
  const ts = String(Math.floor(now / 1000));
  return {
    'content-type': 'application/json',
    'x-clickclack-timestamp': ts,
    'x-clickclack-signature': signBody(secret, ts, body),
  };
}
