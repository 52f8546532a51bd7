import { Type, type Static } from 'typebox';
import { Timestamp } from './common.js';
import { User } from './user.js';

export const WorkspaceRole = Type.Union([
  Type.Literal('owner'),
  Type.Literal('moderator'),
  Type.Literal('member'),
  Type.Literal('bot'),
  Type.Literal('guest'),
]);
export type WorkspaceRole = Static<typeof WorkspaceRole>;

export const Workspace = Type.Object({
  id: Type.String(),
  route_id: Type.String(),
  name: Type.String(),
  slug: Type.String(),
  icon_url: Type.String(),
  created_at: Timestamp,
  role: Type.Optional(WorkspaceRole),
});
export type Workspace = Static<typeof Workspace>;

export const WorkspaceMember = Type.Object({
  workspace_id: Type.String(),
  user: User,
  role: WorkspaceRole,
  joined_at: Timestamp,
});
export type WorkspaceMember = Static<typeof WorkspaceMember>;

/** An invite link. Its token is shown once, when it is created. */
export const Invite = Type.Object({
  id: Type.String(),
  workspace_id: Type.String(),
  created_by: Type.String(),
  created_at: Timestamp,
  /** The first person who joined through it. */
  accepted_at: Type.Optional(Timestamp),
  accepted_by: Type.Optional(Type.String()),
  expires_at: Type.Optional(Timestamp),
  /** How many people may join through it; 0: no limit. */
  max_uses: Type.Integer({ minimum: 0 }),
  /** How many have. */
  uses: Type.Integer({ minimum: 0 }),
  revoked_at: Type.Optional(Timestamp),
});
export type Invite = Static<typeof Invite>;
