import { Type, type Static } from 'typebox';
import { Event } from '../entities/event.js';
import { Timestamp } from '../entities/common.js';
import { User } from '../entities/user.js';
import { WorkspaceRole } from '../entities/workspace.js';

/** A member as their workspace's owners and moderators see them (spec model-and-auth.md §5.7). */
export const MemberModeration = Type.Object({
  workspace_id: Type.String(),
  user: User,
  role: WorkspaceRole,
  posts_remaining: Type.Integer(),
  post_limit: Type.Integer(),
  timeout_until: Type.Optional(Timestamp),
  blocked_at: Type.Optional(Timestamp),
  moderation_note: Type.Optional(Type.String()),
  moderation_by: Type.Optional(Type.String()),
  moderation_at: Type.Optional(Timestamp),
});
export type MemberModeration = Static<typeof MemberModeration>;

export const ModerationRosterResponse = Type.Object({ members: Type.Array(MemberModeration) });
export type ModerationRosterResponse = Static<typeof ModerationRosterResponse>;

export const ModerateMemberBody = Type.Object({
  role: Type.Optional(Type.String({ maxLength: 20 })),
  timeout_until: Type.Optional(Type.String({ maxLength: 64 })),
  timeout_minutes: Type.Optional(Type.Integer({ minimum: -1_000_000_000, maximum: 1_000_000_000 })),
  clear_timeout: Type.Optional(Type.Boolean()),
  blocked: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  moderation_note: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
});
export type ModerateMemberBody = Static<typeof ModerateMemberBody>;

export const ModerateMemberResponse = Type.Object({ member: MemberModeration, event: Event });
export type ModerateMemberResponse = Static<typeof ModerateMemberResponse>;
