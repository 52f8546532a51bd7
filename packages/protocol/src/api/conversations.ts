import { Type, type Static } from 'typebox';
import { Timestamp } from '../entities/common.js';
import { Event } from '../entities/event.js';
import { User } from '../entities/user.js';

export const DirectConversation = Type.Object({
  id: Type.String(),
  route_id: Type.String(),
  workspace_id: Type.String(),
  created_at: Timestamp,
  /** Every member, the caller included, ordered by display name. */
  members: Type.Array(User),
  last_seq: Type.Integer(),
  last_read_seq: Type.Integer(),
  unread_count: Type.Integer(),
  /** Every unread DM message is addressed to you, so it counts as a mention (as in Slack). */
  mention_count: Type.Integer(),
  /** False once no other member is left in the workspace. */
  can_send: Type.Boolean(),
});
export type DirectConversation = Static<typeof DirectConversation>;

export const MAX_DM_MEMBERS = 32;

export const CreateDmBody = Type.Object({
  workspace_id: Type.String({ maxLength: 100 }),
  member_ids: Type.Array(Type.String({ maxLength: 100 }), { maxItems: 64 }),
});
export type CreateDmBody = Static<typeof CreateDmBody>;

export const DmParams = Type.Object({ conversation_id: Type.String({ maxLength: 100 }) });
export type DmParams = Static<typeof DmParams>;

export const DmListQuery = Type.Object({ workspace_id: Type.String({ maxLength: 100 }) });
export type DmListQuery = Static<typeof DmListQuery>;

export const DmResponse = Type.Object({
  conversation: DirectConversation,
  event: Type.Optional(Event),
});
export type DmResponse = Static<typeof DmResponse>;

export const DmListResponse = Type.Object({ conversations: Type.Array(DirectConversation) });
export type DmListResponse = Static<typeof DmListResponse>;
