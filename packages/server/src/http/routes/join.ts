import { OPERATIONS } from '@clickclack/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../services/errors.js';
import type { ServiceDeps } from '../../services/context.js';
import * as invites from '../../services/invites/invites.js';
import * as joinDomains from '../../services/invites/join-domains.js';
import * as oidc from '../../services/auth/oidc.js';
import { inviteLinkUrl } from '../../lib/public-url.js';
import { apiBaseUrl } from '../local-request.js';
import { route, type App } from '../route.js';
import { assertLoginRequest, secureCookie, setSessionCookie } from './auth.js';

/** Holds a sign-in's `state` in the browser that started it, for its callback only. */
const OIDC_STATE_COOKIE = 'cc_oidc_state';
const OIDC_COOKIE_PATH = OPERATIONS.oidcCallback.path;

/** Invite links, self-join by email domain and single sign-on: how people let themselves in. */
export function joinRoutes(app: App, deps: ServiceDeps): void {
  route(app, OPERATIONS.createInvite, async (req, reply) => {
    const res = await invites.createInvite(deps, req.actor, req.params.workspace_id, req.body);
    const url = inviteLinkUrl(apiBaseUrl(req, deps.publicUrl), res.token);
    return reply.status(201).send({ ...res, url });
  });
  route(app, OPERATIONS.listInvites, async (req) => ({
    invites: await invites.listInvites(deps, req.actor, req.params.workspace_id),
  }));
  route(app, OPERATIONS.revokeInvite, async (req) => ({
    invite: await invites.revokeInvite(
      deps,
      req.actor,
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
    return invites.acceptInvite(deps, req.actor, req.params.token);
  });
  route(app, OPERATIONS.inviteSignup, async (req, reply) => {
    assertLoginRequest(req, deps.publicUrl);
    invites.countInviteAttempt(deps, req.ip);
    const res = await invites.signupWithInvite(deps, req.params.token, req.body);
    setSessionCookie(reply, req, res.token, res.session.expires_at, deps);
    return reply.status(201).send(res);
  });

  route(app, OPERATIONS.getJoinDomains, async (req) => ({
    domains: await joinDomains.getJoinDomains(deps, req.actor, req.params.workspace_id),
  }));
  route(app, OPERATIONS.setJoinDomains, async (req) => ({
    domains: await joinDomains.setJoinDomains(deps, req.actor, req.params.workspace_id, req.body),
  }));
  route(app, OPERATIONS.listJoinableWorkspaces, async (req) => ({
    workspaces: await joinDomains.listJoinableWorkspaces(deps, req.actor),
  }));
  route(app, OPERATIONS.joinWorkspace, async (req) =>
    joinDomains.joinByDomain(deps, req.actor, req.params.workspace_id),
  );

  route(app, OPERATIONS.oidcStart, async (req, reply) => {
    const started = await inBrowser(req, reply, deps, () =>
      oidc.startOidc(deps, req.ip, req.query.invite),
    );
    if (!started) return reply;
    const { url, state } = started;
    // Lax: the provider's redirect back is a top-level GET, which carries it.
    reply.setCookie(OIDC_STATE_COOKIE, state, {
      path: OIDC_COOKIE_PATH,
      maxAge: oidc.OIDC_LOGIN_TTL_MS / 1000,
      httpOnly: true,
      sameSite: 'lax',
      secure: secureCookie(req, deps),
    });
    return reply.redirect(url, 302);
  });
  route(app, OPERATIONS.oidcCallback, async (req, reply) => {
    const state = req.cookies[OIDC_STATE_COOKIE];
    reply.clearCookie(OIDC_STATE_COOKIE, { path: OIDC_COOKIE_PATH });
    const res = await inBrowser(req, reply, deps, () =>
      oidc.finishOidc(deps, rawQuery(req), state),
    );
    if (!res) return reply;
    setSessionCookie(reply, req, res.session.token, res.session.session.expires_at, deps);
    const slug = res.workspaceSlug ? encodeURIComponent(res.workspaceSlug) : '';
    return reply.redirect(`${deps.publicUrl ?? ''}/app/${slug}`, 302);
  });
}

/**
 * Both single sign-on steps are page loads. A browser that is refused is sent back to the
 * sign-in page with the reason (`/app/?sso_error=…`) rather than shown bare JSON; any other
 * client gets the usual `{"error"}` answer.
 */
async function inBrowser<T>(
  req: FastifyRequest,
  reply: FastifyReply,
  deps: ServiceDeps,
  step: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await step();
  } catch (err) {
    if (!(err instanceof DomainError) || !(req.headers.accept ?? '').includes('text/html')) {
      throw err;
    }
    reply.redirect(
      `${deps.publicUrl ?? ''}/app/?sso_error=${encodeURIComponent(err.message)}`,
      302,
    );
    return undefined;
  }
}

/** The callback's query as the provider sent it: openid-client checks every parameter. */
function rawQuery(req: FastifyRequest): string {
  const url = req.raw.url ?? '';
  const at = url.indexOf('?');
  return at < 0 ? '' : url.slice(at + 1);
}
