import type {
  AcceptInviteResponse,
  CreateInviteBody,
  CreateInviteResponse,
  Invite,
  InviteListResponse,
  InvitePreviewResponse,
  InviteResponse,
  InviteSignupBody,
  InviteSignupResponse,
  JoinDomainsResponse,
  JoinWorkspaceResponse,
  JoinableWorkspacesResponse,
  Workspace,
} from '@clickclack/protocol';
import { type Http, op } from '../http.js';

/**
 * Invite links (managers create, list and revoke them; whoever holds one joins with it) and
 * self-join by email domain.
 */
export class InvitesResource {
  constructor(private readonly http: Http) {}

  /** A new link (default: one use, 7 days); `token` and `url` are shown only now. */
  create(workspaceId: string, body: CreateInviteBody = {}): Promise<CreateInviteResponse> {
    return this.http.call(op('createInvite', { workspace_id: workspaceId }), { body });
  }

  async list(workspaceId: string): Promise<Invite[]> {
    const res = await this.http.call<InviteListResponse>(
      op('listInvites', { workspace_id: workspaceId }),
    );
    return res.invites;
  }

  revoke(workspaceId: string, inviteId: string): Promise<InviteResponse> {
    return this.http.call(op('revokeInvite', { workspace_id: workspaceId, invite_id: inviteId }));
  }

  /** The workspace and inviter of a usable link; needs no sign-in. */
  preview(token: string): Promise<InvitePreviewResponse> {
    return this.http.call(op('previewInvite', { token }));
  }

  /** Joins the invite's workspace as the signed-in user. */
  accept(token: string): Promise<AcceptInviteResponse> {
    return this.http.call(op('acceptInvite', { token }), { body: {} });
  }

  /** A new account through the link; signs in as it (the client keeps the session token). */
  async signup(token: string, body: InviteSignupBody): Promise<InviteSignupResponse> {
    const res = await this.http.call<InviteSignupResponse>(op('inviteSignup', { token }), { body });
    this.http.token = res.token;
    return res;
  }

  /** Email domains whose people may join the workspace without an invite (managers). */
  async joinDomains(workspaceId: string): Promise<string[]> {
    const res = await this.http.call<JoinDomainsResponse>(
      op('getJoinDomains', { workspace_id: workspaceId }),
    );
    return res.domains;
  }

  /** Replaces that list (managers); answers it normalised. */
  async setJoinDomains(workspaceId: string, domains: string[]): Promise<string[]> {
    const res = await this.http.call<JoinDomainsResponse>(
      op('setJoinDomains', { workspace_id: workspaceId }),
      { body: { domains } },
    );
    return res.domains;
  }

  /** Workspaces the signed-in person's email domain lets them join. */
  async joinable(): Promise<Workspace[]> {
    const res = await this.http.call<JoinableWorkspacesResponse>(op('listJoinableWorkspaces'));
    return res.workspaces;
  }

  /** Joins one of those. */
  joinByDomain(workspaceId: string): Promise<JoinWorkspaceResponse> {
    return this.http.call(op('joinWorkspace', { workspace_id: workspaceId }), { body: {} });
  }
}
