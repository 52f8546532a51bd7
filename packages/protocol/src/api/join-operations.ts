import { Type } from 'typebox';
import * as J from './join.js';
import { InviteParams, WorkspaceParams } from './workspaces.js';
import { ok, type Operation } from './operation.js';

const redirect = { 302: Type.Null({ description: 'a redirect (Location)' }) };

/** Invite links (list, revoke, open, sign up) and single sign-on (OIDC). */
export const JOIN_OPERATIONS = {
  listInvites: {
    method: 'GET',
    path: '/api/workspaces/:workspace_id/invites',
    summary: 'Invite links of a workspace, newest first (managers)',
    auth: true,
    params: WorkspaceParams,
    responses: ok(200, J.InviteListResponse),
  },
  revokeInvite: {
    method: 'DELETE',
    path: '/api/workspaces/:workspace_id/invites/:invite_id',
    summary: 'Revoke an invite link (managers; idempotent)',
    auth: true,
    params: J.InviteIdParams,
    responses: ok(200, J.InviteResponse),
  },
  previewInvite: {
    method: 'GET',
    path: '/api/invites/:token',
    summary: 'What a usable invite link leads to (no sign-in; rate limited)',
    auth: false,
    params: InviteParams,
    responses: ok(200, J.InvitePreviewResponse),
  },
  inviteSignup: {
    method: 'POST',
    path: '/api/invites/:token/signup',
    summary: 'Create an account through an invite link and join its workspace (rate limited)',
    auth: false,
    params: InviteParams,
    body: J.InviteSignupBody,
    responses: ok(201, J.InviteSignupResponse),
  },
  getJoinDomains: {
    method: 'GET',
    path: '/api/workspaces/:workspace_id/join-domains',
    summary: 'Email domains whose people may join on their own (managers)',
    auth: true,
    params: WorkspaceParams,
    responses: ok(200, J.JoinDomainsResponse),
  },
  setJoinDomains: {
    method: 'PUT',
    path: '/api/workspaces/:workspace_id/join-domains',
    summary: 'Replace the email domains whose people may join on their own (managers)',
    auth: true,
    params: WorkspaceParams,
    body: J.JoinDomainsBody,
    responses: ok(200, J.JoinDomainsResponse),
  },
  listJoinableWorkspaces: {
    method: 'GET',
    path: '/api/me/joinable-workspaces',
    summary: "Workspaces the caller's email domain lets them join on their own",
    auth: true,
    responses: ok(200, J.JoinableWorkspacesResponse),
  },
  joinWorkspace: {
    method: 'POST',
    path: '/api/workspaces/:workspace_id/join',
    summary: "Join a workspace that lets the caller's email domain in (no invite needed)",
    auth: true,
    params: WorkspaceParams,
    responses: ok(200, J.JoinWorkspaceResponse),
  },
  oidcStart: {
    method: 'GET',
    path: '/api/auth/oidc/start',
    summary: 'Sign in with the OpenID provider (serve --oidc-issuer): redirects there',
    auth: false,
    query: J.OidcStartQuery,
    responses: redirect,
  },
  oidcCallback: {
    method: 'GET',
    path: '/api/auth/oidc/callback',
    summary: "The OpenID provider's redirect back: opens a session, then redirects to the app",
    auth: false,
    responses: redirect,
  },
} satisfies Record<string, Operation>;
