import type { AcceptInviteResponse } from '@clickclack/protocol';
import { seg, type Http } from '../http.js';

export class InvitesResource {
  constructor(private readonly http: Http) {}

  /** Joins the invite's workspace as the signed-in user. */
  accept(token: string): Promise<AcceptInviteResponse> {
    return this.http.request('POST', `/api/invites/${seg(token)}/accept`, { body: {} });
  }
}
