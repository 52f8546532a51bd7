/** When and how long to wait before resending a request the server did not answer well. */
export interface RetryPolicy {
  /** Resends after the first attempt (0 disables retrying). */
  retries: number;
  /** Backoff when the server sends no Retry-After: base × 2^attempt. */
  baseDelayMs: number;
  /** A longer wait than this is not slept through: the error is returned instead. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 2, baseDelayMs: 250, maxDelayMs: 10_000 };

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/**
 * Whether sending this request twice does no harm: safe methods, and creates that carry
 * a client `nonce` (the server answers a repeat with the original).
 */
export function isIdempotent(method: string, body: unknown): boolean {
  if (IDEMPOTENT.has(method)) return true;
  const nonce = (body as { nonce?: unknown } | undefined)?.nonce;
  return typeof body === 'object' && body !== null && typeof nonce === 'string' && nonce !== '';
}
/** The server did not act on these: resending is safe for any method. */
const NOT_PROCESSED = new Set([408, 425, 429]);
/** Transient server trouble: resent only when repeating the request is harmless. */
const TRANSIENT = new Set([500, 502, 503, 504]);

/** Retry-After as delta-seconds or an HTTP date. */
function retryAfterMs(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Milliseconds to wait before attempt `attempt + 1`, or undefined: do not retry. */
export function retryDelay(
  policy: RetryPolicy,
  res: Response,
  attempt: number,
  idempotent: boolean,
  now = Date.now(),
): number | undefined {
  if (attempt >= policy.retries) return undefined;
  const retryable = NOT_PROCESSED.has(res.status) || (TRANSIENT.has(res.status) && idempotent);
  if (!retryable) return undefined;
  const wait =
    retryAfterMs(res.headers.get('retry-after'), now) ?? policy.baseDelayMs * 2 ** attempt;
  return wait <= policy.maxDelayMs ? wait : undefined;
}
