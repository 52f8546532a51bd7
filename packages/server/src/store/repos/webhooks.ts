import { sql, type Selectable } from 'kysely';
import type { Executor } from '../executor.js';
import type { IncomingWebhooksTable } from '../schema.js';
import { patchById } from '../patch.js';

export type WebhookRow = Selectable<IncomingWebhooksTable>;

export class WebhooksRepo {
  constructor(private readonly db: Executor) {}

  async insert(row: WebhookRow): Promise<void> {
    await this.db.insertInto('incoming_webhooks').values(row).execute();
  }

  /**
   * Counts one post in the hook's fixed window (a window opens with the first post after the
   * previous one has run `windowMs`): one upsert, so concurrent nodes share the count.
   */
  async countPost(
    id: string,
    nowMs: number,
    windowMs: number,
  ): Promise<{ count: number; window_start_ms: number }> {
    const fresh = sql<boolean>`${nowMs} - webhook_rate_windows.window_start_ms >= ${windowMs}`;
    const row = await this.db
      .insertInto('webhook_rate_windows')
      .values({ webhook_id: id, window_start_ms: nowMs, count: 1 })
      .onConflict((oc) =>
        oc.column('webhook_id').doUpdateSet({
          count: sql`CASE WHEN ${fresh} THEN 1 ELSE webhook_rate_windows.count + 1 END`,
          window_start_ms: sql`CASE WHEN ${fresh} THEN ${nowMs} ELSE webhook_rate_windows.window_start_ms END`,
        }),
      )
      .returning(['count', 'window_start_ms'])
      .executeTakeFirstOrThrow();
    return { count: Number(row.count), window_start_ms: Number(row.window_start_ms) };
  }

  byId(id: string): Promise<WebhookRow | undefined> {
    return this.db
      .selectFrom('incoming_webhooks')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
  }

  byKeyHash(hash: string): Promise<WebhookRow | undefined> {
    return this.db
      .selectFrom('incoming_webhooks')
      .selectAll()
      .where('key_hash', '=', hash)
      .executeTakeFirst();
  }

  listActive(workspaceId: string): Promise<WebhookRow[]> {
    return this.db
      .selectFrom('incoming_webhooks')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('revoked_at', 'is', null)
      .orderBy('created_at')
      .execute();
  }

  async update(id: string, patch: Partial<WebhookRow>): Promise<void> {
    await patchById(this.db, 'incoming_webhooks', id, patch);
  }
}
