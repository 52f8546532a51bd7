import { Type, type Static } from 'typebox';
import { Timestamp } from '../entities/common.js';
import { User } from '../entities/user.js';
import { ok, type Operation } from './operation.js';

export const SearchQuery = Type.Object({
  workspace_id: Type.String({ maxLength: 100 }),
  q: Type.String({ maxLength: 20_000 }),
  channel_id: Type.Optional(Type.String({ maxLength: 100 })),
  direct_conversation_id: Type.Optional(Type.String({ maxLength: 100 })),
  author_id: Type.Optional(Type.String({ maxLength: 100 })),
  /** Only this thread (its root and replies): the `in:` thread filter. */
  thread_root_id: Type.Optional(Type.String({ maxLength: 100 })),
  after: Type.Optional(Type.String({ maxLength: 40 })),
  before: Type.Optional(Type.String({ maxLength: 40 })),
  sort: Type.Optional(Type.String({ maxLength: 20 })),
  limit: Type.Optional(Type.String({ maxLength: 10 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
});
export type SearchQuery = Static<typeof SearchQuery>;

export const Highlight = Type.Object({ start: Type.Integer(), end: Type.Integer() });

export const SearchResult = Type.Object({
  id: Type.String(),
  workspace_id: Type.String(),
  channel_id: Type.Optional(Type.String()),
  channel_name: Type.Optional(Type.String()),
  direct_conversation_id: Type.Optional(Type.String()),
  author: User,
  parent_message_id: Type.Optional(Type.String()),
  thread_root_id: Type.String(),
  channel_seq: Type.Optional(Type.Integer()),
  thread_seq: Type.Optional(Type.Integer()),
  created_at: Timestamp,
  edited_at: Type.Optional(Timestamp),
  reply_count: Type.Integer(),
  last_reply_at: Type.Optional(Timestamp),
  /** Plain text around the match; render as text, never as HTML. */
  snippet: Type.String(),
  /** Code-point offsets of the matched terms in `snippet` (end exclusive). */
  highlights: Type.Array(Highlight),
});
export type SearchResult = Static<typeof SearchResult>;

export const SearchResponse = Type.Object({
  results: Type.Array(SearchResult),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});
export type SearchResponse = Static<typeof SearchResponse>;

export const SEARCH_OPERATIONS = {
  search: {
    method: 'GET',
    path: '/api/search',
    summary: 'Full-text search over messages you can read',
    auth: true,
    query: SearchQuery,
    responses: ok(200, SearchResponse),
  },
} satisfies Record<string, Operation>;
