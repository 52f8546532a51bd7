import { OPERATIONS } from '@clickclack/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import * as auth from '../../services/auth/auth.js';
import type { ServiceDeps } from '../../services/context.js';
import { badRequest, DomainError, forbidden } from '../../services/errors.js';
import * as passwords from '../../services/auth/passwords.js';
import * as users from '../../services/account/users.js';
import { setMyStatus } from '../../services/account/status.js';
import { bearerToken, SESSION_COOKIE, sessionCookie } from '../plugins/auth.js';
import { isLocalDevRequest, isSameOrigin } from '../local-request.js';
import { route, type App } from '../route.js';

/** Login-type endpoints accept only same-origin JSON requests. */
export function assertLoginRequest(req: FastifyRequest, publicUrl: string | undefined): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new DomainError('unsupported_media_type', 'content-type must be application/json');
  }
  if (!isSameOrigin(req, publicUrl)) throw forbidden('cross-site login requests are not allowed');
}

/** A configured public URL decides (a TLS proxy in front speaks https for us); else the request. */
export function secureCookie(req: FastifyRequest, deps: ServiceDeps): boolean {
  if (deps.publicUrl) return deps.publicUrl.startsWith('https:');
  if (req.protocol === 'https' || req.headers['x-forwarded-proto'] === 'https') return true;
  return !(deps.devBootstrap && isLocalDevRequest(req));
}

export function setSessionCookie(
  reply: FastifyReply,
  req: FastifyRequest,
  token: string,
  expires: string,
  deps: ServiceDeps,
) {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    expires: new Date(expires),
    httpOnly: true,
    sameSite: 'lax',
    secure: secureCookie(req, deps),
  });
}

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
    return passwords.changePassword(deps, req.actor, req.body, req.ip);
  });

  route(app, OPERATIONS.authMethods, async () => ({
    password: deps.passwordGuard?.loginEnabled === true,
    ...(deps.oidc ? { oidc: { name: deps.oidc.name, start_url: OPERATIONS.oidcStart.path } } : {}),
    // Named only when on, so the answer of a server without mail keeps its old shape.
    ...(deps.mailer ? { email: true } : {}),
  }));

  route(app, OPERATIONS.logout, async (req, reply) => {
    assertLoginRequest(req, deps.publicUrl);
    const token = bearerToken(req) || sessionCookie(req);
    if (token) {
      const sessionId = await auth.revokeSession(deps, token);
      if (sessionId) deps.realtime?.revokeCredential(sessionId);
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.send({ ok: true });
  });

  route(app, OPERATIONS.getMe, async (req) => ({ user: await users.getMe(deps, req.actor) }));
  route(app, OPERATIONS.updateMe, async (req) => ({
    user: await users.updateMe(deps, req.actor, req.body),
  }));
  route(app, OPERATIONS.setMyStatus, async (req) => ({
    user: await setMyStatus(deps, req.actor, req.body),
  }));
}
