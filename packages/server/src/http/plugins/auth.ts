import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../services/actor.js';
import { actorForToken, devActor } from '../../services/auth/auth.js';
import type { ServiceDeps } from '../../services/context.js';
import { forbidden, unauthenticated } from '../../services/errors.js';
import { isLocalDevRequest, isSameOrigin, type RequestLike } from '../local-request.js';

export const SESSION_COOKIE = 'cc_session';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
  }
  interface FastifyContextConfig {
    /** false for the public allow-list; defaults to requiring a caller. */
    auth?: boolean;
  }
}

export function bearerToken(req: RequestLike): string | undefined {
  const h = req.headers.authorization;
  if (h === undefined) return undefined;
  return h.startsWith('Bearer ') ? h.slice(7).trim() : '';
}

/** The session cookie value; a name repeated in the Cookie header is refused outright. */
export function sessionCookie(req: RequestLike): string | undefined {
  const raw = req.headers.cookie ?? '';
  const values = raw
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p.startsWith(`${SESSION_COOKIE}=`))
    .map((p) => decodeURIComponent(p.slice(SESSION_COOKIE.length + 1)));
  if (values.length > 1)
    throw unauthenticated('multiple cookies with the same name are not allowed');
  return values[0] === '' ? undefined : values[0];
}

/** Caller resolution in the spec's order: Bearer, cookie, then dev fallbacks on loopback. */
export async function resolveActor(deps: ServiceDeps, req: RequestLike): Promise<Actor> {
  const bearer = bearerToken(req);
  if (bearer !== undefined) {
    if (bearer === '') throw unauthenticated('invalid authorization header');
    return actorForToken(deps, bearer, 'bearer');
  }
  const cookie = sessionCookie(req);
  if (cookie !== undefined) return actorForToken(deps, cookie, 'cookie');
  if (deps.devBootstrap && isLocalDevRequest(req)) {
    const h = req.headers['x-clickclack-user'];
    const userId = (Array.isArray(h) ? h[0] : h)?.trim();
    return devActor(deps, userId || undefined);
  }
  throw unauthenticated();
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/**
 * Cookie-authenticated writes must prove they come from our own pages: the custom
 * X-ClickClack-CSRF header (which cross-site forms cannot send) and a same-origin request.
 */
function checkCsrf(req: FastifyRequest, publicUrl: string | undefined): void {
  if (SAFE_METHODS.has(req.method) || !req.url.startsWith('/api/')) return;
  if (bearerToken(req) !== undefined) return;
  if (!req.headers.cookie?.includes(`${SESSION_COOKIE}=`)) return;
  if (sessionCookie(req) === undefined) return;
  if (req.headers['x-clickclack-csrf'] !== '1' || !isSameOrigin(req, publicUrl)) {
    throw forbidden('cross-site session requests are not allowed');
  }
}

export function registerAuth(app: FastifyInstance, deps: ServiceDeps): void {
  // Set by the hook below before any handler runs.
  app.decorateRequest('actor', null as never);
  // Before validation: an anonymous caller learns nothing about the body it sent.
  app.addHook('preValidation', async (req: FastifyRequest, _reply: FastifyReply) => {
    checkCsrf(req, deps.publicUrl);
    // Only the API needs a caller; the web app's files, health checks and secret-URL hooks don't.
    if (req.routeOptions.config.auth === false || !req.url.startsWith('/api/')) return;
    req.actor = await resolveActor(deps, req);
  });
}
