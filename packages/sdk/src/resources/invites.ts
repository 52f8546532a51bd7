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
} from '@clickclack/protocol';
import { seg, type Http } from '../http.js';

/** Invite links: managers create, list and revoke them; whoever holds one joins with it. */
export class InvitesResource {
  constructor(private readonly http: Http) {}

  /** A new link (default: one use, 7 days); `token` and `url` are shown only now. */
  create(workspaceId: string, body: CreateInviteBody = {}): Promise<CreateInviteResponse> {
    return this.http.request('POST', `/api/workspaces/${seg(workspaceId)}/invites`, { body });
  }

  async list(workspaceId: string): Promise<Invite[]> {
    const res = await this.http.request<InviteListResponse>(
      'GET',
      `/api/workspaces/${seg(workspaceId)}/invites`,
    );
    return res.invites;
  }

  revoke(workspaceId: string, inviteId: string): Promise<InviteResponse> {
    return this.http.request(
      'DELETE',
      `/api/workspaces/${seg(workspaceId)}/invites/${seg(inviteId)}`,
    );
  }

  /** The workspace and inviter of a usable link; needs no sign-in. */
  preview(token: string): Promise<InvitePreviewResponse> {
    return this.http.request('GET', `/api/invites/${seg(token)}`);
  }

  /** Joins the invite's workspace as the signed-in user. */
  accept(token: string): Promise<AcceptInviteResponse> {
    return this.http.request('POST', `/api/invites/${seg(token)}/accept`, { body: {} });
  }

  /** A new account through the link; signs in as it (the client keeps the session token). */
  async signup(token: string, body: InviteSignupBody): Promise<InviteSignupResponse> {
    const res = await this.http.request<InviteSignupResponse>(
      'POST',
      `/api/invites/${seg(token)}/signup`,
      { body },
    );
    this.http.token = res.token;
    return res;
  }
}
