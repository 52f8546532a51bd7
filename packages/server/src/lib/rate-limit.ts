/**
 * Fixed-window counters in this process's memory. Each node of a cluster counts for
 * itself, and a restart forgets: enough to slow online guessing, not a global quota.
 */
export class WindowLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    /** Keys kept at most; past it expired windows go first, then the oldest. */
    private readonly maxKeys = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until `key` may be counted again, or 0 when it is under its limit. */
  retryAfter(key: string): number {
    const w = this.current(key);
    if (!w || w.count < this.limit) return 0;
    return Math.max(1, Math.ceil((w.start + this.windowMs - this.now()) / 1000));
  }

  /** Counts one use of `key`. */
  hit(key: string): void {
    const w = this.current(key);
    if (w) {
      w.count += 1;
      return;
    }
    if (this.windows.size >= this.maxKeys) this.evict();
    this.windows.set(key, { start: this.now(), count: 1 });
  }

  /** Counts one use and answers as `retryAfter` did before it (0: allowed). */
  take(key: string): number {
    const wait = this.retryAfter(key);
    if (wait === 0) this.hit(key);
    return wait;
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  private current(key: string): { start: number; count: number } | undefined {
    const w = this.windows.get(key);
    if (w && this.now() - w.start >= this.windowMs) {
      this.windows.delete(key);
      return undefined;
    }
    return w;
  }

  private evict(): void {
    const now = this.now();
    for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
    // Still full: drop the oldest entries (Map keeps insertion order).
    for (const k of this.windows.keys()) {
      if (this.windows.size < this.maxKeys) break;
      this.windows.delete(k);
    }
  }
}

/**
 * Failures per key with exponential backoff and no lock: the first `free` failures cost
 * nothing, then each one doubles the wait (base, 2·base, … up to `maxMs`). A key idle for
 * `forgetMs` starts over. In memory, per process, like WindowLimiter.
 */
export class FailureBackoff {
  private readonly entries = new Map<string, { failures: number; until: number; last: number }>();

  constructor(
    readonly free: number,
    readonly baseMs: number,
    readonly maxMs: number,
    readonly forgetMs: number,
    private readonly maxKeys = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until `key` may try again, or 0. */
  retryAfter(key: string): number {
    const e = this.current(key);
    const ms = e ? e.until - this.now() : 0;
    return ms > 0 ? Math.ceil(ms / 1000) : 0;
  }

  fail(key: string): void {
    const now = this.now();
    let e = this.current(key);
    if (!e) {
      if (this.entries.size >= this.maxKeys) this.evict();
      e = { failures: 0, until: 0, last: now };
      this.entries.set(key, e);
    }
    e.failures += 1;
    e.last = now;
    const over = e.failures - this.free;
    if (over >= 0) e.until = now + Math.min(this.maxMs, this.baseMs * 2 ** Math.min(over, 30));
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  private current(key: string) {
    const e = this.entries.get(key);
    if (e && this.now() - Math.max(e.last, e.until) >= this.forgetMs) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  private evict(): void {
    const now = this.now();
    for (const [k, e] of this.entries)
      if (now - Math.max(e.last, e.until) >= this.forgetMs) this.entries.delete(k);
    for (const k of this.entries.keys()) {
      if (this.entries.size < this.maxKeys) break;
      this.entries.delete(k);
    }
  }
}
