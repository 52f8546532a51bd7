import { OPERATIONS } from '@clickclack/protocol';
import type { ServiceDeps } from '../../services/context.js';
import * as invites from '../../services/invites/invites.js';
import * as joinDomains from '../../services/invites/join-domains.js';
import { inviteLinkUrl } from '../../lib/public-url.js';
import { apiBaseUrl } from '../local-request.js';
import { caller, route, type App } from '../route.js';
import { assertLoginRequest, setSessionCookie } from '../sign-in.js';

/** Invite links and self-join by email domain. */
export function inviteRoutes(app: App, deps: ServiceDeps): void {
  route(app, OPERATIONS.createInvite, async (req, reply) => {
    const res = await invites.createInvite(deps, caller(req), req.params.workspace_id, req.body);
    const url = inviteLinkUrl(apiBaseUrl(req, deps.publicUrl), res.token);
    return reply.status(201).send({ ...res, url });
  });
  route(app, OPERATIONS.listInvites, async (req) => ({
    invites: await invites.listInvites(deps, caller(req), req.params.workspace_id),
  }));
  route(app, OPERATIONS.revokeInvite, async (req) => ({
    invite: await invites.revokeInvite(
      deps,
      caller(req),
      req.params.workspace_id,
      req.params.invite_id,
    ),
  }));
  // Every use of a raw token counts against the caller's address (trustProxy is off: the
  // TCP peer), so a link cannot be guessed online.
  route(app, OPERATIONS.previewInvite, async (req) => {
    invites.countInviteAttempt(deps, req.ip);
    return invites.previewInvite(deps, req.params.token);
  });
  route(app, OPERATIONS.acceptInvite, async (req) => {
    invites.countInviteAttempt(deps, req.ip);
    return invites.acceptInvite(deps, caller(req), req.params.token);
  });
  route(app, OPERATIONS.inviteSignup, async (req, reply) => {
    assertLoginRequest(req, deps.publicUrl);
    invites.countInviteAttempt(deps, req.ip);
    const res = await invites.signupWithInvite(deps, req.params.token, req.body);
    setSessionCookie(reply, req, res.token, res.session.expires_at, deps);
    return reply.status(201).send(res);
  });

  route(app, OPERATIONS.getJoinDomains, async (req) => ({
    domains: await joinDomains.getJoinDomains(deps, caller(req), req.params.workspace_id),
  }));
  route(app, OPERATIONS.setJoinDomains, async (req) => ({
    domains: await joinDomains.setJoinDomains(deps, caller(req), req.params.workspace_id, req.body),
  }));
  route(app, OPERATIONS.listJoinableWorkspaces, async (req) => ({
    workspaces: await joinDomains.listJoinableWorkspaces(deps, caller(req)),
  }));
  route(app, OPERATIONS.joinWorkspace, async (req) =>
    joinDomains.joinByDomain(deps, caller(req), req.params.workspace_id),
  );
}
