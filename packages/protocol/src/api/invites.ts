import { Type, type Static } from 'typebox';
import { Event } from '../entities/event.js';
import { Invite, Workspace } from '../entities/workspace.js';
import { MagicConsumeResponse } from './auth.js';
import { ok, type Operation } from './operation.js';
import { WorkspaceParams } from './params.js';

/** Invite links and self-join by email domain: how people let themselves in (issue 28). */

export const INVITE_MAX_TTL_SECONDS = 90 * 24 * 60 * 60;

/** Both optional: one use, 7 days. */
export const CreateInviteBody = Type.Object({
  /** People who may join through the link; 0: no limit. */
  max_uses: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
  expires_in_seconds: Type.Optional(Type.Integer({ minimum: 60, maximum: INVITE_MAX_TTL_SECONDS })),
});
export type CreateInviteBody = Static<typeof CreateInviteBody>;

/** `url` opens the web app on the invite (the server's public URL, else the request's origin). */
export const CreateInviteResponse = Type.Object({
  invite: Invite,
  token: Type.String(),
  url: Type.String(),
});
export type CreateInviteResponse = Static<typeof CreateInviteResponse>;

export const InviteListResponse = Type.Object({ invites: Type.Array(Invite) });
export type InviteListResponse = Static<typeof InviteListResponse>;

export const InviteIdParams = Type.Object({
  workspace_id: Type.String({ maxLength: 100 }),
  invite_id: Type.String({ maxLength: 100 }),
});
export type InviteIdParams = Static<typeof InviteIdParams>;

export const InviteParams = Type.Object({ token: Type.String({ maxLength: 200 }) });
export type InviteParams = Static<typeof InviteParams>;

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

export const AcceptInviteResponse = Type.Object({
  invite: Invite,
  workspace: Workspace,
  event: Type.Optional(Event),
});
export type AcceptInviteResponse = Static<typeof AcceptInviteResponse>;

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

/** Invite links (create, list, revoke, open, sign up, accept) and self-join by email domain. */
export const INVITES_OPERATIONS = {
  createInvite: {
    method: 'POST',
    path: '/api/workspaces/:workspace_id/invites',
    summary: 'Create an invite link (managers; its token is shown once)',
    auth: true,
    params: WorkspaceParams,
    body: CreateInviteBody,
    // It had no body before links had options: old clients send none.
    bodyOptional: true,
    responses: ok(201, CreateInviteResponse),
  },
  listInvites: {
    method: 'GET',
    path: '/api/workspaces/:workspace_id/invites',
    summary: 'Invite links of a workspace, newest first (managers)',
    auth: true,
    params: WorkspaceParams,
    responses: ok(200, InviteListResponse),
  },
  revokeInvite: {
    method: 'DELETE',
    path: '/api/workspaces/:workspace_id/invites/:invite_id',
    summary: 'Revoke an invite link (managers; idempotent)',
    auth: true,
    params: InviteIdParams,
    responses: ok(200, InviteResponse),
  },
  previewInvite: {
    method: 'GET',
    path: '/api/invites/:token',
    summary: 'What a usable invite link leads to (no sign-in; rate limited)',
    auth: false,
    params: InviteParams,
    responses: ok(200, InvitePreviewResponse),
  },
  inviteSignup: {
    method: 'POST',
    path: '/api/invites/:token/signup',
    summary: 'Create an account through an invite link and join its workspace (rate limited)',
    auth: false,
    params: InviteParams,
    body: InviteSignupBody,
    responses: ok(201, InviteSignupResponse),
  },
  acceptInvite: {
    method: 'POST',
    path: '/api/invites/:token/accept',
    summary: 'Join a workspace with an invite token',
    auth: true,
    params: InviteParams,
    responses: ok(200, AcceptInviteResponse),
  },
  getJoinDomains: {
    method: 'GET',
    path: '/api/workspaces/:workspace_id/join-domains',
    summary: 'Email domains whose people may join on their own (managers)',
    auth: true,
    params: WorkspaceParams,
    responses: ok(200, JoinDomainsResponse),
  },
  setJoinDomains: {
    method: 'PUT',
    path: '/api/workspaces/:workspace_id/join-domains',
    summary: 'Replace the email domains whose people may join on their own (managers)',
    auth: true,
    params: WorkspaceParams,
    body: JoinDomainsBody,
    responses: ok(200, JoinDomainsResponse),
  },
  listJoinableWorkspaces: {
    method: 'GET',
    path: '/api/me/joinable-workspaces',
    summary: "Workspaces the caller's email domain lets them join on their own",
    auth: true,
    responses: ok(200, JoinableWorkspacesResponse),
  },
  joinWorkspace: {
    method: 'POST',
    path: '/api/workspaces/:workspace_id/join',
    summary: "Join a workspace that lets the caller's email domain in (no invite needed)",
    auth: true,
    params: WorkspaceParams,
    responses: ok(200, JoinWorkspaceResponse),
  },
} satisfies Record<string, Operation>;
