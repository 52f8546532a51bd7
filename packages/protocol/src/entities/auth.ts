import { Type, type Static } from 'typebox';
import { Timestamp } from './common.js';

export const Session = Type.Object({
  id: Type.String(),
  token: Type.Optional(Type.String()),
  user_id: Type.String(),
  created_at: Timestamp,
  expires_at: Timestamp,
});
export type Session = Static<typeof Session>;

export const MagicLink = Type.Object({
  id: Type.String(),
  email: Type.String(),
  display_name: Type.String(),
  created_at: Timestamp,
  expires_at: Timestamp,
  used_at: Type.Optional(Timestamp),
});
export type MagicLink = Static<typeof MagicLink>;

export const BotToken = Type.Object({
  id: Type.String(),
  bot_user_id: Type.String(),
  workspace_id: Type.String(),
  owner_user_id: Type.Optional(Type.String()),
  name: Type.String(),
  scopes: Type.Array(Type.String()),
  created_by: Type.Optional(Type.String()),
  created_at: Timestamp,
  last_used_at: Type.Optional(Timestamp),
  revoked_at: Type.Optional(Timestamp),
  token: Type.Optional(Type.String()),
});
export type BotToken = Static<typeof BotToken>;

/** A session as its owner sees it in the session list (never its token). */
export const SessionInfo = Type.Object({
  id: Type.String(),
  /** The User-Agent of the client that signed in ('' when it sent none). */
  user_agent: Type.String(),
  created_at: Timestamp,
  /** Last request made with it (recorded every few seconds); absent until then. */
  last_seen_at: Type.Optional(Timestamp),
  expires_at: Timestamp,
  /** The session this request was made with. */
  current: Type.Boolean(),
});
export type SessionInfo = Static<typeof SessionInfo>;
