import type { Executor } from '../executor.js';

/** Direct conversations (the DM endpoints build on this). */
export class DmsRepo {
  constructor(private readonly db: Executor) {}

  async isMember(conversationId: string, userId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('direct_conversation_members')
      .select('user_id')
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async memberIds(conversationId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('direct_conversation_members')
      .select('user_id')
      .where('conversation_id', '=', conversationId)
      .execute();
    return rows.map((r) => r.user_id);
  }
}
