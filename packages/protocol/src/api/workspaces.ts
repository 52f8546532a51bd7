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
