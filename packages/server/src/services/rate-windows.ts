import type { ServiceDeps } from './context.js';

/** A budget's state after one more write: its count in the window, and when the window ends. */
export interface WindowHit {
  count: number;
  resetMs: number;
}

/**
 * Counts one write against `key`'s fixed window in the database, so every node sharing it
 * spends one budget (incoming webhooks, the per-user write limits of http/plugins/write-limits.ts).
 */
export async function countWrite(
  deps: Pick<ServiceDeps, 'store'>,
  key: string,
  windowMs: number,
): Promise<WindowHit> {
  const now = Date.now();
  const w = await deps.store.write((tx) => tx.rateWindows.hit(key, now, windowMs));
  return { count: w.count, resetMs: Math.max(0, w.window_start_ms + windowMs - now) };
}

/** `Retry-After` in whole seconds, never 0: a client told 0 would retry at once. */
export const retryAfterSeconds = (resetMs: number): number =>
  Math.max(1, Math.ceil(resetMs / 1000));
