import { createHash, randomBytes } from 'node:crypto';
import type { SearchQuery, SearchResponse, SearchResult } from '@clickclack/protocol';
import type { Actor } from '../actor.js';
import type { ServiceDeps } from '../context.js';
import { badRequest, forbidden, notFound } from '../errors.js';
import { assertScope, requireMember, requireReadableChannel } from '../policies.js';
import { presentThreadState, presentUser } from '../present.js';

export const MAX_QUERY_CHARS = 500;
const MAX_TERMS = 32;

/**
 * User text → its search terms: whitespace-separated, control characters (NUL included)
 * treated as spaces. Each term is matched as a literal phrase (never as query syntax).
 */
export function searchTerms(q: string): string[] | undefined {
  // Control characters (NUL included) are never meaningful in a search: treat them as spaces.
  const printable = [...q]
    .map((c) => ((c.codePointAt(0) ?? 0) < 32 || c === '\u007f' ? ' ' : c))
    .join('');
  const terms = printable
    .trim()
    .split(/\s+/)
    .filter((t) => t !== '');
  if (terms.length === 0) return undefined;
  if (terms.length > MAX_TERMS)
    throw badRequest(`search query has too many words (max ${MAX_TERMS})`);
  return terms;
}

/** Finds the marked spans, removes the markers, and reports code-point offsets. */
export function extractHighlights(
  marked: string,
  open: string,
  close: string,
): { snippet: string; highlights: { start: number; end: number }[] } {
  const highlights: { start: number; end: number }[] = [];
  let out = '';
  let rest = marked;
  for (;;) {
    const i = rest.indexOf(open);
    if (i < 0) break;
    out += rest.slice(0, i);
    rest = rest.slice(i + open.length);
    const j = rest.indexOf(close);
    const word = j < 0 ? rest : rest.slice(0, j);
    const start = [...out].length;
    out += word;
    highlights.push({ start, end: start + [...word].length });
    rest = j < 0 ? '' : rest.slice(j + close.length);
  }
  return { snippet: out + rest, highlights };
}

function time(raw: string | undefined, field: string): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  const t = Date.parse(raw);
  if (Number.isNaN(t)) throw badRequest(`${field} must be an RFC 3339 timestamp or a date`);
  return new Date(t).toISOString();
}

/** The cursor is bound to the search it came from: reusing it elsewhere is a 400. */
const fingerprint = (parts: (string | undefined)[]): string =>
  createHash('sha256')
    .update(parts.map((p) => p ?? '').join('\u0000'))
    .digest('base64url')
    .slice(0, 22);

export async function search(
  deps: ServiceDeps,
  actor: Actor,
  query: SearchQuery,
): Promise<SearchResponse> {
  assertScope(actor, 'messages:read');
  const db = deps.store.read;
  const workspaceId = query.workspace_id.trim();
  if (workspaceId === '') throw badRequest('workspace_id is required');
  if ([...query.q].length > MAX_QUERY_CHARS)
    throw badRequest(`search query is too long (max ${MAX_QUERY_CHARS} characters)`);
  if (query.channel_id && query.direct_conversation_id)
    throw badRequest('channel_id and direct_conversation_id are mutually exclusive');
  const sort = query.sort ?? 'relevance';
  if (sort !== 'relevance' && sort !== 'newest')
    throw badRequest('sort must be relevance or newest');
  let limit = 50;
  if (query.limit !== undefined) {
    if (!/^\d+$/.test(query.limit) || Number(query.limit) < 1)
      throw badRequest('limit must be a positive integer');
    limit = Math.min(Number(query.limit), 100);
  }
  const role = await requireMember(db, actor, workspaceId);
  if (query.channel_id) {
    const { channel } = await requireReadableChannel(db, actor, query.channel_id);
    if (channel.workspace_id !== workspaceId) throw badRequest('channel is not in this workspace');
  }
  const canDms = actor.kind === 'human' || actor.scopes.has('dms:read');
  if (query.direct_conversation_id) {
    if (!canDms) throw forbidden('bot token is missing scope dms:read');
    if (!(await db.dms.isMember(query.direct_conversation_id, actor.user.id)))
      throw notFound('conversation not found');
  }
  const after = time(query.after, 'after');
  const before = time(query.before, 'before');
  const fp = fingerprint([
    actor.user.id,
    workspaceId,
    query.channel_id,
    query.direct_conversation_id,
    query.author_id,
    query.thread_root_id,
    after,
    before,
    sort,
    query.q.trim(),
  ]);
  let offset = 0;
  if (query.cursor) {
    const m = /^(\d{1,6})\.([\w-]+)$/.exec(query.cursor);
    if (!m || m[2] !== fp)
      throw badRequest('invalid search cursor (it belongs to a different search)');
    offset = Number(m[1]);
  }
  const terms = searchTerms(query.q);
  if (!terms) return { results: [], next_cursor: null };
  const marker = randomBytes(6).toString('hex');
  const open = `\u0002${marker}`;
  const close = `\u0003${marker}`;
  const rows = await db.search.search({
    workspaceId,
    userId: actor.user.id,
    terms,
    channelId: query.channel_id,
    dmId: query.direct_conversation_id,
    includeDms: canDms,
    guestChannelOnly: role === 'guest',
    authorId: query.author_id,
    threadRootId: query.thread_root_id,
    after,
    before,
    sort,
    limit: limit + 1,
    offset,
    open,
    close,
  });
  const page = rows.slice(0, limit);
  const users = new Map((await db.users.byIds(page.map((r) => r.author_id))).map((u) => [u.id, u]));
  const states = new Map(
    (await db.messages.threadStates(page.map((r) => r.thread_root_id))).map((t) => [
      t.root_message_id,
      t,
    ]),
  );
  const channelNames = new Map<string, string>();
  for (const id of new Set(page.flatMap((r) => (r.channel_id ? [r.channel_id] : [])))) {
    channelNames.set(id, (await db.channels.byId(id))?.name ?? '');
  }
  const results: SearchResult[] = page.flatMap((r) => {
    const author = users.get(r.author_id);
    if (!author) return [];
    const state =
      r.parent_message_id === null ? presentThreadState(states.get(r.id), r.id) : undefined;
    return [
      {
        id: r.id,
        workspace_id: r.workspace_id,
        ...(r.channel_id
          ? { channel_id: r.channel_id, channel_name: channelNames.get(r.channel_id) ?? '' }
          : {}),
        ...(r.direct_conversation_id ? { direct_conversation_id: r.direct_conversation_id } : {}),
        author: presentUser(author),
        ...(r.parent_message_id ? { parent_message_id: r.parent_message_id } : {}),
        thread_root_id: r.thread_root_id,
        ...(r.parent_message_id === null && r.channel_seq !== null
          ? { channel_seq: r.channel_seq }
          : {}),
        ...(r.thread_seq !== null ? { thread_seq: r.thread_seq } : {}),
        created_at: r.created_at,
        ...(r.edited_at ? { edited_at: r.edited_at } : {}),
        reply_count: state?.reply_count ?? 0,
        ...(state?.last_reply_at ? { last_reply_at: state.last_reply_at } : {}),
        ...extractHighlights(r.snippet, open, close),
      },
    ];
  });
  return { results, next_cursor: rows.length > limit ? `${offset + limit}.${fp}` : null };
}
