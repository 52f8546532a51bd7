import type { Selectable } from 'kysely';
import type { Executor } from '../executor.js';
import type { IncomingWebhooksTable } from '../schema.js';
import { patchById } from '../patch.js';

export type WebhookRow = Selectable<IncomingWebhooksTable>;

export class WebhooksRepo {
  constructor(private readonly db: Executor) {}

  async insert(row: WebhookRow): Promise<void> {
    await this.db.insertInto('incoming_webhooks').values(row).execute();
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
