import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceDeps } from '../services/context.js';
import { DomainError, forbidden } from '../services/errors.js';
import { isLocalDevRequest, isSameOrigin } from './local-request.js';
import { SESSION_COOKIE } from './plugins/auth.js';

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
