import { sql } from 'kysely';
import type { Executor } from '../executor.js';
import type { MessageRow } from './messages.js';

export interface SearchFilters {
  workspaceId: string;
  userId: string;
  /** FTS5 query already made safe (every term quoted). */
  match: string;
  channelId?: string;
  dmId?: string;
  includeDms: boolean;
  authorId?: string;
  threadRootId?: string;
  after?: string;
  before?: string;
  sort: 'relevance' | 'newest';
  limit: number;
  offset: number;
  /** Snippet highlight markers (random per request, stripped by the service). */
  open: string;
  close: string;
}

export type SearchRow = MessageRow & { rank: number; snippet: string };

/**
 * Full-text search with the caller's access applied in SQL: public channels and private
 * channels they are in, and (when allowed) DMs they belong to.
 */
export class SearchRepo {
  constructor(private readonly db: Executor) {}

  async search(f: SearchFilters): Promise<SearchRow[]> {
    const order =
      f.sort === 'newest'
        ? sql`m.created_at DESC, m.id DESC`
        : sql`rank ASC, m.created_at DESC, m.id DESC`;
    const res = await sql<SearchRow>`
      SELECT m.*, bm25(messages_fts) AS rank,
             snippet(messages_fts, 0, ${f.open}, ${f.close}, '…', 32) AS snippet
      FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid
      WHERE messages_fts MATCH ${f.match}
        AND m.workspace_id = ${f.workspaceId}
        AND m.deleted_at IS NULL
        AND m.kind = 'message'
        AND (
          (m.channel_id IS NOT NULL AND EXISTS (
            SELECT 1 FROM channels c WHERE c.id = m.channel_id AND (c.kind = 'public' OR EXISTS (
              SELECT 1 FROM channel_members cm WHERE cm.channel_id = c.id AND cm.user_id = ${f.userId}))))
          OR (${f.includeDms ? 1 : 0} = 1 AND m.direct_conversation_id IS NOT NULL AND EXISTS (
            SELECT 1 FROM direct_conversation_members d
            WHERE d.conversation_id = m.direct_conversation_id AND d.user_id = ${f.userId}))
        )
        ${f.channelId ? sql`AND m.channel_id = ${f.channelId}` : sql``}
        ${f.dmId ? sql`AND m.direct_conversation_id = ${f.dmId}` : sql``}
        ${f.authorId ? sql`AND m.author_id = ${f.authorId}` : sql``}
        ${f.threadRootId ? sql`AND m.thread_root_id = ${f.threadRootId}` : sql``}
        ${f.after ? sql`AND m.created_at >= ${f.after}` : sql``}
        ${f.before ? sql`AND m.created_at < ${f.before}` : sql``}
      ORDER BY ${order}
      LIMIT ${f.limit} OFFSET ${f.offset}
    `.execute(this.db);
    return res.rows;
  }
}
