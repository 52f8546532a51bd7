import { Type, type Static } from 'typebox';
import { Event } from '../entities/event.js';
import { Invite, Workspace } from '../entities/workspace.js';
import { MagicConsumeResponse } from './auth.js';

/** Invite links and single sign-on: how people let themselves in (issue 28). */

export const INVITE_MAX_TTL_SECONDS = 90 * 24 * 60 * 60;

/** Both optional: one use, 7 days. */
export const CreateInviteBody = Type.Object({
  /** People who may join through the link; 0: no limit. */
  max_uses: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
  expires_in_seconds: Type.Optional(Type.Integer({ minimum: 60, maximum: INVITE_MAX_TTL_SECONDS })),
});
export type CreateInviteBody = Static<typeof CreateInviteBody>;

export const InviteListResponse = Type.Object({ invites: Type.Array(Invite) });
export type InviteListResponse = Static<typeof InviteListResponse>;

export const InviteIdParams = Type.Object({
  workspace_id: Type.String({ maxLength: 100 }),
  invite_id: Type.String({ maxLength: 100 }),
});
export type InviteIdParams = Static<typeof InviteIdParams>;

export const InviteResponse = Type.Object({ invite: Invite });
export type InviteResponse = Static<typeof InviteResponse>;

/** What the holder of a usable invite link may see before joining. */
export const InvitePreviewResponse = Type.Object({
  workspace: Type.Object({ name: Type.String(), slug: Type.String() }),
  inviter: Type.Object({ display_name: Type.String() }),
  expires_at: Type.Optional(Type.String({ format: 'date-time' })),
});
export type InvitePreviewResponse = Static<typeof InvitePreviewResponse>;

/** A new account through an invite; `password` is required exactly when password login is on. */
export const InviteSignupBody = Type.Object({
  display_name: Type.String({ maxLength: 200 }),
  handle: Type.String({ maxLength: 100 }),
  password: Type.Optional(Type.String({ maxLength: 1024 })),
});
export type InviteSignupBody = Static<typeof InviteSignupBody>;

/** A sign-in's answer (the session) and the workspace joined. */
export const InviteSignupResponse = Type.Object({
  ...MagicConsumeResponse.properties,
  workspace: Workspace,
});
export type InviteSignupResponse = Static<typeof InviteSignupResponse>;

/** `invite`: the token of the invite link the sign-in came through (joins its workspace). */
export const OidcStartQuery = Type.Object({
  invite: Type.Optional(Type.String({ maxLength: 200 })),
});
export type OidcStartQuery = Static<typeof OidcStartQuery>;

/** Email domains whose people may join the workspace on their own (lower-case, no `@`). */
export const JoinDomainsBody = Type.Object({
  domains: Type.Array(Type.String({ maxLength: 253 }), { maxItems: 50 }),
});
export type JoinDomainsBody = Static<typeof JoinDomainsBody>;

export const JoinDomainsResponse = Type.Object({ domains: Type.Array(Type.String()) });
export type JoinDomainsResponse = Static<typeof JoinDomainsResponse>;

export const JoinableWorkspacesResponse = Type.Object({ workspaces: Type.Array(Workspace) });
export type JoinableWorkspacesResponse = Static<typeof JoinableWorkspacesResponse>;

/** `event` is absent when the caller was a member already. */
export const JoinWorkspaceResponse = Type.Object({
  workspace: Workspace,
  event: Type.Optional(Event),
});
export type JoinWorkspaceResponse = Static<typeof JoinWorkspaceResponse>;
