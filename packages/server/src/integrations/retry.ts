/** When a failed delivery is tried again: exponential backoff with ±20 % jitter. */
export function retryDelayMs(
  attempt: number,
  baseMs: number,
  random: () => number = Math.random,
): number {
  return Math.round(baseMs * 2 ** (attempt - 1) * (0.8 + 0.4 * random()));
}

/** Transport errors, timeouts, 408, 429 and 5xx are worth retrying; other answers are final. */
export function isRetryable(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}
