import type { ErrorCode } from '@clickclack/protocol';
import type { FastifyError, FastifyInstance } from 'fastify';
import { DomainError } from '../../services/errors.js';
import { isConstraintConflict, isUnstorableText } from '../../store/errors.js';
import { UnknownScopeError } from '@clickclack/protocol';

export const STATUS_OF: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  missing_scope: 403,
  not_found: 404,
  conflict: 409,
  cursor_gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  not_implemented: 501,
  bad_gateway: 502,
  internal: 500,
};

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/**
 * The multipart parser's own failures (a truncated body, a missing boundary) are the
 * client's fault. busboy throws them as plain Errors, told apart only by their fixed text.
 */
const MALFORMED_MULTIPART = /unexpected end of multipart data|^Multipart: Boundary not found/i;

/** The one place errors become `{"error", "code"}` responses; unknown errors are logged 500s. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | Error, req, reply) => {
    if (err instanceof DomainError) {
      reply.headers(err.headers);
      if (err.code === 'rate_limited' && !('Retry-After' in err.headers))
        reply.header('Retry-After', '1');
      return reply.status(STATUS_OF[err.code]).send({ error: err.message, code: err.code });
    }
    if (err instanceof UnknownScopeError) {
      return reply.status(400).send({ error: err.message, code: 'bad_request' });
    }
    if (isUnstorableText(err)) {
      return reply
        .status(400)
        .send({ error: 'text must not contain NUL characters', code: 'bad_request' });
    }
    // A race with concurrent writes that the write still lost after running again.
    if (isConstraintConflict(err)) {
      return reply
        .status(409)
        .send({ error: 'conflicts with a concurrent change; try again', code: 'conflict' });
    }
    const fe = err as FastifyError;
    if (fe.code === undefined && MALFORMED_MULTIPART.test(fe.message)) {
      return reply
        .status(400)
        .send({ error: `malformed multipart body: ${fe.message}`, code: 'bad_request' });
    }
    if (fe.validation) {
      return reply
        .status(400)
        .send({ error: `invalid request: ${fe.message}`, code: 'validation_failed' });
    }
    const status = fe.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const message =
        fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'request body is too large' : fe.message;
      return reply
        .status(status)
        .send({ error: message, code: CODE_BY_STATUS[status] ?? 'bad_request' });
    }
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ error: 'internal server error', code: 'internal' });
  });
  app.setNotFoundHandler((req, reply) =>
    reply
      .status(404)
      .send({ error: `no route for ${req.method} ${req.url.split('?')[0]}`, code: 'not_found' }),
  );
}
