import { sql } from 'kysely';
import type { Executor } from '../executor.js';

/** A fixed window's count after a hit, and when the window opened. */
export interface RateWindow {
  count: number;
  window_start_ms: number;
}

/** Fixed-window write counters in the database: every node sharing it counts against one budget. */
export class RateWindowsRepo {
  constructor(private readonly db: Executor) {}

  /**
   * Counts one hit in `key`'s window (a window opens with the first hit after the previous
   * one has run `windowMs`): one upsert, so concurrent nodes share the count.
   */
  async hit(key: string, nowMs: number, windowMs: number): Promise<RateWindow> {
    const fresh = sql<boolean>`${nowMs} - rate_windows.window_start_ms >= ${windowMs}`;
    const row = await this.db
      .insertInto('rate_windows')
      .values({ key, window_start_ms: nowMs, count: 1 })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          count: sql`CASE WHEN ${fresh} THEN 1 ELSE rate_windows.count + 1 END`,
          window_start_ms: sql`CASE WHEN ${fresh} THEN ${nowMs} ELSE rate_windows.window_start_ms END`,
        }),
      )
      .returning(['count', 'window_start_ms'])
      .executeTakeFirstOrThrow();
    return { count: Number(row.count), window_start_ms: Number(row.window_start_ms) };
  }
}
