import { OPERATIONS } from '@clickclack/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import * as auth from '../../services/auth/auth.js';
import * as oidc from '../../services/auth/oidc.js';
import * as passwords from '../../services/auth/passwords.js';
import type { ServiceDeps } from '../../services/context.js';
import { badRequest, DomainError, forbidden } from '../../services/errors.js';
import { isLocalDevRequest } from '../local-request.js';
import { bearerToken, SESSION_COOKIE, sessionCookie } from '../plugins/auth.js';
import { caller, route, type App } from '../route.js';
import { assertLoginRequest, secureCookie, setSessionCookie } from '../sign-in.js';

/** Holds a sign-in's `state` in the browser that started it, for its callback only. */
const OIDC_STATE_COOKIE = 'cc_oidc_state';
const OIDC_COOKIE_PATH = OPERATIONS.oidcCallback.path;

/** Sign-in (magic link or code, password, single sign-on), sign-out and sessions. */
export function authRoutes(app: App, deps: ServiceDeps): void {
  route(app, OPERATIONS.magicRequest, async (req, reply) => {
    if (deps.mailer) {
      // The TCP peer: trustProxy is off, so a forwarded header cannot pick another budget.
      await auth.mailMagicLink(
        deps,
        { email: req.body.email, displayName: req.body.display_name },
        req.ip,
      );
      return reply.status(202).send({ ok: true });
    }
    if (!deps.devBootstrap) {
      throw new DomainError(
        'not_implemented',
        'magic-link delivery is not configured (start the server with --smtp-url)',
      );
    }
    if (!isLocalDevRequest(req))
      throw forbidden('magic-link token minting is only available from loopback clients');
    const res = await auth.createMagicLink(deps, {
      email: req.body.email,
      displayName: req.body.display_name,
    });
    return reply.status(201).send(res);
  });

  route(app, OPERATIONS.magicConsume, async (req, reply) => {
    assertLoginRequest(req, deps.publicUrl);
    const { token, email, code } = req.body;
    const userAgent = req.headers['user-agent'] ?? '';
    // A link's failed redemptions count per client address (the TCP peer: trustProxy is
    // off, so a forwarded header cannot pick another budget); codes have their own limits.
    let res;
    if (token !== undefined)
      res = await auth.limitRedemption(deps, req.ip, () =>
        auth.consumeMagicLink(deps, token, userAgent),
      );
    else if (email !== undefined && code !== undefined)
      res = await auth.consumeSignInCode(deps, { email, code }, req.ip, userAgent);
    else throw badRequest('token, or email and code, is required');
    setSessionCookie(reply, req, res.token, res.session.expires_at, deps);
    return reply.status(200).send(res);
  });

  route(app, OPERATIONS.passwordLogin, async (req, reply) => {
    assertLoginRequest(req, deps.publicUrl);
    // The TCP peer: trustProxy is off, so a forwarded header cannot pick another budget.
    const res = await passwords.passwordLogin(
      deps,
      req.body,
      req.ip,
      req.headers['user-agent'] ?? '',
    );
    setSessionCookie(reply, req, res.token, res.session.expires_at, deps);
    return reply.status(200).send(res);
  });

  route(app, OPERATIONS.changePassword, async (req) => {
    assertLoginRequest(req, deps.publicUrl);
    return passwords.changePassword(deps, caller(req), req.body, req.ip);
  });

  route(app, OPERATIONS.authMethods, async () => ({
    password: deps.passwordGuard.loginEnabled,
    ...(deps.oidc ? { oidc: { name: deps.oidc.name, start_url: OPERATIONS.oidcStart.path } } : {}),
    // Named only when on, so the answer of a server without mail keeps its old shape.
    ...(deps.mailer ? { email: true } : {}),
  }));

  route(app, OPERATIONS.logout, async (req, reply) => {
    assertLoginRequest(req, deps.publicUrl);
    const token = bearerToken(req) || sessionCookie(req);
    if (token) {
      const sessionId = await auth.revokeSession(deps, token);
      if (sessionId) deps.realtime.revokeCredential(sessionId);
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.send({ ok: true });
  });

  route(app, OPERATIONS.listSessions, async (req) => ({
    sessions: await auth.listSessions(deps, caller(req)),
  }));
  route(app, OPERATIONS.revokeSessionById, async (req) => {
    await auth.revokeSessionById(deps, caller(req), req.params.session_id);
    return { ok: true };
  });

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
