import { nowIso } from '../lib/clock.js';
import type { Store } from '../store/store.js';

/**
 * Records when bot tokens were last used without a write per request: uses are collected
 * in memory and written in one transaction per flush (the app flushes every few seconds
 * and on shutdown).
 */
export class BotUsage {
  private pending = new Set<string>();

  note(tokenId: string): void {
    this.pending.add(tokenId);
  }

  async flush(store: Store): Promise<void> {
    if (this.pending.size === 0) return;
    const ids = [...this.pending];
    this.pending = new Set();
    await store.write((tx) => tx.auth.touchBotTokens(ids, nowIso()));
  }
}
