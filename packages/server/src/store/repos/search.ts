import { sql, type RawBuilder } from 'kysely';
import type { Dialect, Executor } from '../executor.js';
import type { MessageRow } from './messages.js';

export interface SearchFilters {
  workspaceId: string;
  userId: string;
  /** The user's terms; each one is matched as a literal phrase, never parsed as syntax. */
  terms: readonly string[];
  channelId?: string;
  dmId?: string;
  includeDms: boolean;
  /** A guest reads only the workspace's `guest` channel (and its DMs). */
  guestChannelOnly: boolean;
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
 * How many of the newest visible matches are ranked by relevance. Ranking every match of a
 * common word costs time in proportion to the whole archive; walking the index newest
 * first and stopping here keeps a search bounded however large the workspace grows
 * (relevance is judged among recent matches, the way chat users look for things; older
 * ones stay reachable with `sort=newest` or narrower terms).
 */
export const SEARCH_WINDOW = 1000;

/**
 * Full-text search with the caller's access applied in SQL: public channels and private
 * channels they are in, and (when allowed) DMs they belong to.
 */
/** Every term quoted as an FTS5 phrase: operators, `*`, `-` and quotes stay literal text. */
export const fts5Match = (terms: readonly string[]): string =>
  terms.map((t) => `"${t.replace(/"/g, '""')}"`).join(' ');

/** The PostgreSQL text-search configuration (see migrations/postgres/0009_search.sql). */
const PG_CONFIG = sql`'clickclack_search'::regconfig`;

/**
 * Every term as a phrase query (`phraseto_tsquery` only ever reads text, never operators),
 * all of them required: the same meaning as the quoted FTS5 form.
 */
const pgTsQuery = (terms: readonly string[]): RawBuilder<unknown> =>
  sql.join(
    terms.map((t) => sql`phraseto_tsquery(${PG_CONFIG}, ${t})`),
    sql` && `,
  );

/** Result order: rank ascending (best first on both dialects), then newest. */
const orderOf =
  (f: SearchFilters) =>
  (t: string): RawBuilder<unknown> =>
    sql.raw(
      f.sort === 'newest'
        ? `${t}.created_at DESC, ${t}.id DESC`
        : `${t}.rank ASC, ${t}.created_at DESC, ${t}.id DESC`,
    );

export class SearchRepo {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect = 'sqlite',
  ) {}

  search(f: SearchFilters): Promise<SearchRow[]> {
    return this.dialect === 'postgres' ? this.searchPostgres(f) : this.searchSqlite(f);
  }

  /** The access rules and filters both dialects apply to a candidate message `m`. */
  private filters(f: SearchFilters): RawBuilder<unknown> {
    return sql`m.workspace_id = ${f.workspaceId}
          AND m.deleted_at IS NULL
          AND m.kind = 'message'
          -- Readable channels and DMs are listed once per query (not once per match).
          AND (
            m.channel_id IN (
              SELECT c.id FROM channels c WHERE c.workspace_id = ${f.workspaceId}
              ${f.guestChannelOnly ? sql`AND c.name = 'guest'` : sql``} AND (
                c.kind = 'public' OR c.id IN (
                  SELECT cm.channel_id FROM channel_members cm WHERE cm.user_id = ${f.userId})))
            OR (${f.includeDms ? 1 : 0} = 1 AND m.direct_conversation_id IN (
              SELECT d.conversation_id FROM direct_conversation_members d
              WHERE d.user_id = ${f.userId}))
          )
          ${f.channelId ? sql`AND m.channel_id = ${f.channelId}` : sql``}
          ${f.dmId ? sql`AND m.direct_conversation_id = ${f.dmId}` : sql``}
          ${f.authorId ? sql`AND m.author_id = ${f.authorId}` : sql``}
          ${f.threadRootId ? sql`AND m.thread_root_id = ${f.threadRootId}` : sql``}
          ${f.after ? sql`AND m.created_at >= ${f.after}` : sql``}
          ${f.before ? sql`AND m.created_at < ${f.before}` : sql``}`;
  }

  private window(f: SearchFilters): number {
    // Relevance pages all rank the same window, so paging never repeats or skips a result;
    // newest-first pages follow index order, so their window grows with the offset.
    return f.sort === 'relevance' ? SEARCH_WINDOW : Math.max(SEARCH_WINDOW, f.offset + f.limit);
  }

  private async searchSqlite(f: SearchFilters): Promise<SearchRow[]> {
    const match = fts5Match(f.terms);
    const order = orderOf(f);
    const window = this.window(f);
    // Candidates stream from the index in rowid (insertion) order, newest first, with the
    // access rules applied as they go; only the page picked from them gets its snippet.
    // CROSS JOIN pins the join order: with a bound LIMIT the planner would otherwise scan
    // every match of the term to join it against the page.
    const res = await sql<SearchRow>`
      WITH candidates AS (
        SELECT m.rowid AS rid, m.id AS id, m.created_at AS created_at, bm25(messages_fts) AS rank
        FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid
        WHERE messages_fts MATCH ${match}
          AND ${this.filters(f)}
        ORDER BY messages_fts.rowid DESC
        LIMIT ${window}
      ),
      page AS (SELECT * FROM candidates c ORDER BY ${order('c')} LIMIT ${f.limit} OFFSET ${f.offset})
      SELECT m.*, page.rank AS rank,
             snippet(messages_fts, 0, ${f.open}, ${f.close}, '…', 32) AS snippet
      FROM page
      CROSS JOIN messages_fts ON messages_fts.rowid = page.rid AND messages_fts MATCH ${match}
      CROSS JOIN messages m ON m.rowid = page.rid
      ORDER BY ${order('page')}
    `.execute(this.db);
    return res.rows;
  }

  /**
   * The same search on PostgreSQL: a GIN index over the body's tsvector finds the matches,
   * the newest `window` of them are ranked (ts_rank, negated so lower is better like bm25),
   * and only the page gets its highlighted snippet.
   */
  private async searchPostgres(f: SearchFilters): Promise<SearchRow[]> {
    const order = orderOf(f);
    const window = this.window(f);
    const doc = sql`to_tsvector(${PG_CONFIG}, m.body)`;
    const query = pgTsQuery(f.terms);
    const headline = [
      `StartSel="${f.open}"`,
      `StopSel="${f.close}"`,
      'MaxWords=32',
      'MinWords=16',
      'ShortWord=0',
    ].join(', ');
    const res = await sql<SearchRow>`
      WITH candidates AS (
        SELECT m.id AS id, m.created_at AS created_at,
               -ts_rank(${doc}, ${query}) AS rank
        FROM messages m
        WHERE ${doc} @@ (${query})
          AND ${this.filters(f)}
        ORDER BY m.created_at DESC, m.id DESC
        LIMIT ${window}
      ),
      page AS (SELECT * FROM candidates c ORDER BY ${order('c')} LIMIT ${f.limit} OFFSET ${f.offset})
      SELECT m.*, page.rank AS rank,
             ts_headline(${PG_CONFIG}, m.body, ${query}, ${headline}) AS snippet
      FROM page
      JOIN messages m ON m.id = page.id
      ORDER BY ${order('page')}
    `.execute(this.db);
    return res.rows;
  }
}
