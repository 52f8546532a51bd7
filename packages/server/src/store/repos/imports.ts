import { CompiledQuery, sql } from 'kysely';
import type { Dialect, Executor } from '../executor.js';
import { inList } from '../prepared.js';
import type { MessagesTable } from '../schema.js';

/**
 * Bind parameters per statement: SQLite allows 32,766 and PostgreSQL 65,535; staying under
 * both keeps one code path.
 */
const MAX_PARAMS = 30_000;

type Value = string | number | null;

/** Which conversation an import numbers: a channel or a DM. */
export type ImportConversation = { channelId: string } | { dmId: string };

/** A conversation's column on messages, its table and its id. */
const scopeOf = (c: ImportConversation) =>
  'channelId' in c
    ? { col: sql.ref('channel_id'), table: sql.table('channels'), id: c.channelId }
    : {
        col: sql.ref('direct_conversation_id'),
        table: sql.table('direct_conversations'),
        id: c.dmId,
      };

/**
 * The columns an imported message sets; the rest keep their defaults (kind `message`, no
 * nonce, quote, edit or override). The seqs are given at insert time when the conversation
 * arrives in time order, else left NULL for `number`.
 * Half the columns of a message: half the values to bind and parse per batch.
 */
const IMPORTED_MESSAGE_COLUMNS = [
  'id',
  'workspace_id',
  'channel_id',
  'direct_conversation_id',
  'author_id',
  'parent_message_id',
  'thread_root_id',
  'channel_seq',
  'thread_seq',
  'body',
  'created_at',
] as const satisfies readonly (keyof MessagesTable)[];

/** Integer columns among those bulk-inserted (every other one is TEXT), for `unnest` casts. */
const BIGINT_COLUMNS = new Set(['channel_seq', 'thread_seq', 'reply_count']);

/** PostgreSQL rows per `unnest` statement: a batch in one, memory bounded for huge ones. */
const UNNEST_ROWS = 10_000;

export type ImportedMessageRow = Pick<MessagesTable, (typeof IMPORTED_MESSAGE_COLUMNS)[number]>;

/**
 * Bulk writes of `clickclack import`. Kysely would build and compile a statement of
 * thousands of values for every batch; these statements are written once per row count, so
 * SQLite's statement cache prepares each once and a batch costs what the engine spends.
 */
export class ImportsRepo {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect,
  ) {}

  /**
   * Many rows in few statements. SQLite: multi-row VALUES within the parameter limit (the
   * text is the same for every full chunk, so it is prepared once). PostgreSQL: one array
   * per column through `unnest`, a fixed statement of a handful of parameters however many
   * rows; planning a VALUES list of thousands of rows cost more than inserting them.
   */
  private async bulkInsert(
    table: string,
    columns: readonly string[],
    rows: readonly Value[][],
    tail = '',
  ): Promise<Value[][]> {
    const out: Value[][] = [];
    const pg = this.dialect === 'postgres';
    const per = pg ? UNNEST_ROWS : Math.max(1, Math.floor(MAX_PARAMS / columns.length));
    for (let start = 0; start < rows.length; start += per) {
      const chunk = rows.slice(start, start + per);
      let text: string;
      let params: unknown[];
      if (pg) {
        params = columns.map((_c, i) => chunk.map((row) => row[i] ?? null));
        const arrays = columns.map(
          (c, i) => `$${i + 1}::${BIGINT_COLUMNS.has(c) ? 'bigint' : 'text'}[]`,
        );
        text = `INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM unnest(${arrays.join(', ')})${tail}`;
      } else {
        params = [];
        const tuple = `(${columns.map(() => '?').join(', ')})`;
        for (const row of chunk) for (const v of row) params.push(v);
        text = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${chunk.map(() => tuple).join(', ')}${tail}`;
      }
      const res = await this.db.executeQuery<Record<string, Value>>(
        CompiledQuery.raw(text, params),
      );
      for (const r of res.rows) out.push(Object.values(r));
    }
    return out;
  }

  /** The targets already recorded for these source ids. */
  async targets(origin: string, kind: string, sourceIds: readonly string[]) {
    const found = new Map<string, string>();
    for (let i = 0; i < sourceIds.length; i += 5000) {
      const rows = await this.db
        .selectFrom('import_sources')
        .select(['source_id', 'target_id'])
        .where('origin', '=', origin)
        .where('kind', '=', kind)
        .where(inList(this.db, 'source_id', sourceIds.slice(i, i + 5000)))
        .execute();
      for (const r of rows) found.set(r.source_id, r.target_id);
    }
    return found;
  }

  /**
   * Records source → target pairs; returns the source ids that were new. A pair already
   * recorded (an earlier run, or a duplicate in the export) is left as it was.
   */
  async remember(
    origin: string,
    kind: string,
    pairs: readonly (readonly [string, string])[],
  ): Promise<Set<string>> {
    const rows = await this.bulkInsert(
      'import_sources',
      ['origin', 'kind', 'source_id', 'target_id'],
      pairs.map(([s, t]) => [origin, kind, s, t]),
      ' ON CONFLICT DO NOTHING RETURNING source_id',
    );
    return new Set(rows.map((r) => r[0] as string));
  }

  /** A record whose target no longer exists (deleted since): the next run recreates it. */
  async forget(origin: string, kind: string, sourceId: string): Promise<void> {
    await this.db
      .deleteFrom('import_sources')
      .where('origin', '=', origin)
      .where('kind', '=', kind)
      .where('source_id', '=', sourceId)
      .execute();
  }

  async insertMessages(rows: readonly ImportedMessageRow[]): Promise<void> {
    await this.bulkInsert(
      'messages',
      IMPORTED_MESSAGE_COLUMNS,
      rows.map((r) => IMPORTED_MESSAGE_COLUMNS.map((c) => r[c])),
    );
  }

  async insertReactions(rows: readonly Value[][]): Promise<void> {
    await this.bulkInsert(
      'reactions',
      ['message_id', 'user_id', 'emoji', 'created_at'],
      rows,
      ' ON CONFLICT DO NOTHING',
    );
  }

  async insertAttachments(rows: readonly Value[][]): Promise<void> {
    await this.bulkInsert(
      'message_attachments',
      ['message_id', 'upload_id', 'created_at'],
      rows,
      ' ON CONFLICT DO NOTHING',
    );
  }

  /** Pins: `[id, workspace_id, channel_id, message_id, pinned_by, created_at]`. */
  async insertPins(rows: readonly Value[][]): Promise<void> {
    await this.bulkInsert(
      'pinned_messages',
      ['id', 'workspace_id', 'channel_id', 'message_id', 'pinned_by', 'created_at'],
      rows,
      ' ON CONFLICT DO NOTHING',
    );
  }

  async addChannelMembers(channelId: string, userIds: readonly string[], at: string) {
    await this.bulkInsert(
      'channel_members',
      ['channel_id', 'user_id', 'created_at'],
      userIds.map((u) => [channelId, u, at]),
      ' ON CONFLICT DO NOTHING',
    );
  }

  /**
   * Takes the next `n` seqs of a conversation (the write lock makes them this batch's);
   * returns the last seq before them.
   */
  async reserveSeqs(c: ImportConversation, n: number): Promise<number> {
    const { table, id } = scopeOf(c);
    const r = await sql<{ last_seq: number }>`
      UPDATE ${table} SET last_seq = last_seq + ${n} WHERE id = ${id} RETURNING last_seq`.execute(
      this.db,
    );
    return Number(r.rows[0]?.last_seq ?? n) - n;
  }

  /** The last thread_seq of each of these roots that has numbered replies. */
  async lastThreadSeqs(rootIds: readonly string[]): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    for (let i = 0; i < rootIds.length; i += 5000) {
      const rows = await this.db
        .selectFrom('messages')
        .select('thread_root_id')
        .select((eb) => eb.fn.max('thread_seq').as('max'))
        .where(inList(this.db, 'thread_root_id', rootIds.slice(i, i + 5000)))
        .where('thread_seq', 'is not', null)
        .groupBy('thread_root_id')
        .execute();
      for (const r of rows) found.set(r.thread_root_id, Number(r.max));
    }
    return found;
  }

  /** Whether a conversation holds unnumbered messages (a killed run's, numbered at its end). */
  async hasUnnumbered(c: ImportConversation): Promise<boolean> {
    const { col, id } = scopeOf(c);
    const r = await sql`
      SELECT 1 FROM messages WHERE ${col} = ${id} AND channel_seq IS NULL AND thread_seq IS NULL
       LIMIT 1`.execute(this.db);
    return r.rows.length > 0;
  }

  /**
   * Takes back the seqs given after `base` (an import that found the conversation out of
   * time order), so `number` gives them again in time order with the rest.
   */
  async unnumberSince(c: ImportConversation, base: number): Promise<void> {
    const { col, table, id } = scopeOf(c);
    await sql`
      UPDATE messages SET channel_seq = NULL
       WHERE ${col} = ${id} AND channel_seq > ${base}`.execute(this.db);
    await sql`UPDATE ${table} SET last_seq = ${base} WHERE id = ${id}`.execute(this.db);
  }

  /** Conversations of a workspace with messages an import has not numbered yet. */
  async unnumbered(workspaceId: string): Promise<ImportConversation[]> {
    const channels = await this.db
      .selectFrom('channels as c')
      .select('c.id')
      .where('c.workspace_id', '=', workspaceId)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('messages as m')
            .select('m.id')
            .whereRef('m.channel_id', '=', 'c.id')
            .where('m.channel_seq', 'is', null)
            .where('m.thread_seq', 'is', null),
        ),
      )
      .execute();
    const dms = await this.db
      .selectFrom('direct_conversations as d')
      .select('d.id')
      .where('d.workspace_id', '=', workspaceId)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('messages as m')
            .select('m.id')
            .whereRef('m.direct_conversation_id', '=', 'd.id')
            .where('m.channel_seq', 'is', null)
            .where('m.thread_seq', 'is', null),
        ),
      )
      .execute();
    return [...channels.map((c) => ({ channelId: c.id })), ...dms.map((d) => ({ dmId: d.id }))];
  }

  /**
   * Numbers a conversation's imported messages in time order: roots after the
   * conversation's last seq, replies after their thread's last thread_seq. Returns the last
   * seq before and after and the thread roots whose replies were numbered (their state is stale).
   */
  async number(c: ImportConversation): Promise<{ base: number; lastSeq: number; roots: string[] }> {
    const { col, table, id } = scopeOf(c);
    const base = await sql<{ last_seq: number }>`SELECT last_seq FROM ${table} WHERE id = ${id}`
      .execute(this.db)
      .then((r) => Number(r.rows[0]?.last_seq ?? 0));
    // The `channel_seq IS NULL AND thread_seq IS NULL` terms are those of the partial
    // indexes of migration 0035, so both statements find only the unnumbered rows.
    const roots = await sql<{ root: string }>`
      SELECT DISTINCT thread_root_id AS root FROM messages
       WHERE ${col} = ${id} AND channel_seq IS NULL AND thread_seq IS NULL
         AND parent_message_id IS NOT NULL`.execute(this.db);
    const numbered = await sql`
      UPDATE messages SET channel_seq = n.seq
        FROM (SELECT id, ${base} + row_number() OVER (ORDER BY created_at, id) AS seq
                FROM messages
               WHERE ${col} = ${id} AND channel_seq IS NULL AND thread_seq IS NULL
                 AND parent_message_id IS NULL) AS n
       WHERE messages.id = n.id`.execute(this.db);
    const lastSeq = base + Number(numbered.numAffectedRows ?? 0);
    await sql`UPDATE ${table} SET last_seq = ${lastSeq} WHERE id = ${id}`.execute(this.db);
    await sql`
      UPDATE messages SET thread_seq = n.seq
        FROM (SELECT m.id, row_number() OVER (PARTITION BY m.thread_root_id
                                              ORDER BY m.created_at, m.id)
                     + coalesce((SELECT max(x.thread_seq) FROM messages x
                                  WHERE x.thread_root_id = m.thread_root_id
                                    AND x.thread_seq IS NOT NULL), 0) AS seq
                FROM messages m
               WHERE m.${col} = ${id} AND m.channel_seq IS NULL AND m.thread_seq IS NULL
                 AND m.parent_message_id IS NOT NULL) AS n
       WHERE messages.id = n.id`.execute(this.db);
    return { base, lastSeq, roots: roots.rows.map((r) => r.root) };
  }

  /**
   * Thread states recomputed from the replies (count, newest, three newest repliers): those
   * of `rootIds` from the database, plus those of `fresh` replies, given by the caller for
   * roots written in the same transaction (no other reply can exist for them yet).
   */
  async refreshThreadStates(
    rootIds: readonly string[],
    fresh: readonly { root: string; author: string; at: string }[] = [],
  ): Promise<void> {
    const replies = fresh.map((r) => ({ ...r, n: 1 }));
    for (let i = 0; i < rootIds.length; i += 1000) {
      const rows = await this.db
        .selectFrom('messages')
        .select(['parent_message_id as root', 'author_id'])
        .select((eb) => [eb.fn.max('created_at').as('at'), eb.fn.countAll<number>().as('n')])
        // By parent, not thread_root_id: the replies index (migration 0015) leads there.
        .where(inList(this.db, 'parent_message_id', rootIds.slice(i, i + 1000)))
        .groupBy(['parent_message_id', 'author_id'])
        .execute();
      for (const r of rows)
        replies.push({ root: r.root!, author: r.author_id, at: String(r.at), n: Number(r.n) });
    }
    const byRoot = new Map<string, { author: string; at: string; n: number }[]>();
    for (const r of replies) {
      const list = byRoot.get(r.root) ?? [];
      const same = list.find((x) => x.author === r.author);
      if (same) {
        same.n += r.n;
        if (r.at > same.at) same.at = r.at;
      } else list.push({ author: r.author, at: r.at, n: r.n });
      byRoot.set(r.root, list);
    }
    const states: Value[][] = [];
    for (const [root, list] of byRoot) {
      list.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
      states.push([
        root,
        list.reduce((s, x) => s + x.n, 0),
        list[0]!.at,
        JSON.stringify(list.slice(0, 3).map((x) => x.author)),
      ]);
    }
    await this.bulkInsert(
      'thread_state',
      ['root_message_id', 'reply_count', 'last_reply_at', 'last_reply_author_ids_json'],
      states,
      ` ON CONFLICT (root_message_id) DO UPDATE SET reply_count = excluded.reply_count,
          last_reply_at = excluded.last_reply_at,
          last_reply_author_ids_json = excluded.last_reply_author_ids_json`,
    );
  }

  /**
   * Imported history counts as read by members who had read everything before it (or, in a
   * conversation that was empty, by every member): nobody comes back to thousands of unread
   * messages from another tool, and nobody loses the unread mark of a message posted here.
   */
  async markRead(c: ImportConversation, base: number, lastSeq: number, at: string): Promise<void> {
    const channel = 'channelId' in c;
    const reads = sql.table(channel ? 'channel_reads' : 'direct_reads');
    const key = sql.ref(channel ? 'channel_id' : 'conversation_id');
    const id = channel ? c.channelId : c.dmId;
    await sql`
      UPDATE ${reads} SET last_read_seq = ${lastSeq}, last_read_at = ${at}
       WHERE ${key} = ${id} AND last_read_seq >= ${base} AND last_read_seq < ${lastSeq}`.execute(
      this.db,
    );
    if (base !== 0) return;
    if (channel)
      await sql`
        INSERT INTO channel_reads (channel_id, user_id, last_read_seq, last_read_at)
        SELECT channel_id, user_id, CAST(${lastSeq} AS BIGINT), ${at} FROM channel_members
         WHERE channel_id = ${id}
        ON CONFLICT (channel_id, user_id) DO NOTHING`.execute(this.db);
    else
      await sql`
        INSERT INTO direct_reads (conversation_id, user_id, last_read_seq, last_read_at)
        SELECT conversation_id, user_id, CAST(${lastSeq} AS BIGINT), ${at}
          FROM direct_conversation_members WHERE conversation_id = ${id}
        ON CONFLICT (conversation_id, user_id) DO NOTHING`.execute(this.db);
  }
}
