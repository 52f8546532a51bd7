import { nowIso } from '../../lib/clock.js';
import type { Repos, Store } from '../../store/store.js';

/**
 * Records when credentials (bot tokens, sessions) were last used without a write per
 * request: uses are collected in memory and written in one transaction per flush (the app
 * flushes every few seconds and on shutdown).
 */
export class LastUsed {
  private pending = new Set<string>();

  constructor(private readonly touch: (tx: Repos, ids: string[], at: string) => Promise<void>) {}

  note(id: string): void {
    this.pending.add(id);
  }

  async flush(store: Store): Promise<void> {
    if (this.pending.size === 0) return;
    const ids = [...this.pending];
    this.pending = new Set();
    await store.write((tx) => this.touch(tx, ids, nowIso()));
  }
}

/** Bot-token uses, written as `last_used_at`. */
export const botTokenUses = (): LastUsed =>
  new LastUsed((tx, ids, at) => tx.auth.touchBotTokens(ids, at));

/** Session uses, written as `last_seen_at`. */
export const sessionUses = (): LastUsed =>
  new LastUsed((tx, ids, at) => tx.auth.touchSessions(ids, at));
