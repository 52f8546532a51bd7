import { Type, type Static } from 'typebox';
import { Event } from '../entities/event.js';
import { Invite, Workspace, WorkspaceMember } from '../entities/workspace.js';

export const WorkspaceParams = Type.Object({ workspace_id: Type.String({ maxLength: 100 }) });
export type WorkspaceParams = Static<typeof WorkspaceParams>;

export const WorkspaceListResponse = Type.Object({ workspaces: Type.Array(Workspace) });
export type WorkspaceListResponse = Static<typeof WorkspaceListResponse>;

export const CreateWorkspaceBody = Type.Object({
  name: Type.String({ maxLength: 200 }),
  slug: Type.Optional(Type.String({ maxLength: 200 })),
});
export type CreateWorkspaceBody = Static<typeof CreateWorkspaceBody>;

export const WorkspaceResponse = Type.Object({ workspace: Workspace });
export type WorkspaceResponse = Static<typeof WorkspaceResponse>;

export const CreateWorkspaceResponse = Type.Object({ workspace: Workspace, event: Event });
export type CreateWorkspaceResponse = Static<typeof CreateWorkspaceResponse>;

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

export const InviteParams = Type.Object({ token: Type.String({ maxLength: 200 }) });
export type InviteParams = Static<typeof InviteParams>;

export const AcceptInviteResponse = Type.Object({
  invite: Invite,
  workspace: Workspace,
  event: Type.Optional(Event),
});
export type AcceptInviteResponse = Static<typeof AcceptInviteResponse>;

/** JSON `null` counts as absent; at least one field must be given. */
export const UpdateWorkspaceBody = Type.Object({
  name: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
  slug: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
  icon_url: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
});
export type UpdateWorkspaceBody = Static<typeof UpdateWorkspaceBody>;

/** `event` is absent when the update changed nothing. */
export const WorkspaceEventResponse = Type.Object({
  workspace: Workspace,
  event: Type.Optional(Event),
});
export type WorkspaceEventResponse = Static<typeof WorkspaceEventResponse>;

export const TransferOwnershipBody = Type.Object({
  user_id: Type.String({ maxLength: 100 }),
});
export type TransferOwnershipBody = Static<typeof TransferOwnershipBody>;

/** What deleting a workspace removes. */
export const WorkspaceDeletionCounts = Type.Object({
  members: Type.Integer(),
  channels: Type.Integer(),
  /** Live messages of every channel and DM, thread replies included. */
  messages: Type.Integer(),
  files: Type.Integer(),
});
export type WorkspaceDeletionCounts = Static<typeof WorkspaceDeletionCounts>;

/** `blocker` says why the caller could not delete the workspace; null when they can. */
export const WorkspaceDeletionPreview = Type.Object({
  workspace: Workspace,
  counts: WorkspaceDeletionCounts,
  blocker: Type.Union([Type.String(), Type.Null()]),
});
export type WorkspaceDeletionPreview = Static<typeof WorkspaceDeletionPreview>;
