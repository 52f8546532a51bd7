import { Type, type Static } from 'typebox';
import { Timestamp } from '../entities/common.js';
import { Event } from '../entities/event.js';
import { User } from '../entities/user.js';
import { WorkspaceMember, WorkspaceRole } from '../entities/workspace.js';
import { ok, type Operation } from './operation.js';
import { WorkspaceParams } from './params.js';

export const MemberListQuery = Type.Object({
  limit: Type.Optional(Type.String({ maxLength: 20 })),
  cursor: Type.Optional(Type.String({ maxLength: 1000 })),
  q: Type.Optional(Type.String({ maxLength: 200 })),
  role: Type.Optional(Type.String({ maxLength: 20 })),
});
export type MemberListQuery = Static<typeof MemberListQuery>;

export const MemberListResponse = Type.Object({
  members: Type.Array(WorkspaceMember),
  next_cursor: Type.Optional(Type.String()),
  has_more: Type.Boolean(),
  total_count: Type.Optional(Type.Integer()),
  /** First page only, and only when `q` and `role` are empty: every role of the directory. */
  total_by_role: Type.Optional(
    Type.Object({
      owner: Type.Integer(),
      moderator: Type.Integer(),
      member: Type.Integer(),
      bot: Type.Integer(),
      guest: Type.Integer(),
    }),
  ),
});
export type MemberListResponse = Static<typeof MemberListResponse>;

export const AddMemberBody = Type.Object({
  user_id: Type.Optional(Type.String({ maxLength: 100 })),
  handle: Type.Optional(Type.String({ maxLength: 100 })),
  email: Type.Optional(Type.String({ maxLength: 320 })),
  role: Type.Optional(Type.String({ maxLength: 20 })),
});
export type AddMemberBody = Static<typeof AddMemberBody>;

export const UpdateMemberBody = Type.Object({ role: WorkspaceRole });
export type UpdateMemberBody = Static<typeof UpdateMemberBody>;

export const WorkspaceMemberParams = Type.Object({
  workspace_id: Type.String({ maxLength: 100 }),
  user_id: Type.String({ maxLength: 100 }),
});
export type WorkspaceMemberParams = Static<typeof WorkspaceMemberParams>;

export const MemberEventResponse = Type.Object({
  member: WorkspaceMember,
  event: Type.Optional(Event),
});
export type MemberEventResponse = Static<typeof MemberEventResponse>;

export const RemoveMemberResponse = Type.Object({ removed_user_id: Type.String(), event: Event });
export type RemoveMemberResponse = Static<typeof RemoveMemberResponse>;

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

/** A deactivated account: `deactivated_at` is set. */
export const DeactivatedUserResponse = Type.Object({ user: User });
export type DeactivatedUserResponse = Static<typeof DeactivatedUserResponse>;

/** The people of a workspace: the directory, roles, removal, moderation, deactivation. */
export const MEMBERS_OPERATIONS = {
  listMembers: {
    method: 'GET',
    path: '/api/workspaces/:workspace_id/members',
    summary: 'Workspace member directory',
    auth: true,
    params: WorkspaceParams,
    query: MemberListQuery,
    responses: ok(200, MemberListResponse),
  },
  addWorkspaceMember: {
    method: 'POST',
    path: '/api/workspaces/:workspace_id/members',
    summary: 'Add an existing user by id, handle or email (managers)',
    auth: true,
    params: WorkspaceParams,
    body: AddMemberBody,
    responses: ok(201, MemberEventResponse),
  },
  updateWorkspaceMember: {
    method: 'PATCH',
    path: '/api/workspaces/:workspace_id/members/:user_id',
    summary: "Change a member's role",
    auth: true,
    params: WorkspaceMemberParams,
    body: UpdateMemberBody,
    responses: ok(200, MemberEventResponse),
  },
  removeWorkspaceMember: {
    method: 'DELETE',
    path: '/api/workspaces/:workspace_id/members/:user_id',
    summary: 'Remove a member from the workspace',
    auth: true,
    params: WorkspaceMemberParams,
    responses: ok(200, RemoveMemberResponse),
  },
  moderationRoster: {
    method: 'GET',
    path: '/api/workspaces/:workspace_id/moderation/members',
    summary: 'Every member with their role, block and timeout (owners and moderators)',
    auth: true,
    params: WorkspaceParams,
    responses: ok(200, ModerationRosterResponse),
  },
  moderateMember: {
    method: 'PATCH',
    path: '/api/workspaces/:workspace_id/moderation/members/:user_id',
    summary: "Change a member's role, block, timeout or moderation note",
    auth: true,
    params: WorkspaceMemberParams,
    body: ModerateMemberBody,
    responses: ok(200, ModerateMemberResponse),
  },
  deactivateMember: {
    method: 'POST',
    path: '/api/workspaces/:workspace_id/members/:user_id/deactivate',
    summary:
      "Deactivate a member's account (owner of every workspace they are in): signed out, sign-in refused, messages kept",
    auth: true,
    params: WorkspaceMemberParams,
    responses: ok(200, DeactivatedUserResponse),
  },
} satisfies Record<string, Operation>;
