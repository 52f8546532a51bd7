import type { ErrorCode } from '@clickclack/protocol';

/** A rule a caller broke. HTTP maps `code` to a status in one place (http/plugins/errors). */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const badRequest = (m: string) => new DomainError('bad_request', m);
export const unauthenticated = (m = 'authentication required') =>
  new DomainError('unauthenticated', m);
export const forbidden = (m: string) => new DomainError('forbidden', m);
export const notFound = (m: string) => new DomainError('not_found', m);
export const conflict = (m: string) => new DomainError('conflict', m);
/** 429 with the `Retry-After` (whole seconds) the caller should wait. */
export const rateLimited = (m: string, retryAfter: number) =>
  new DomainError('rate_limited', m, { 'Retry-After': String(retryAfter) });
export const missingScope = (scope: string) =>
  new DomainError('missing_scope', `bot token is missing scope ${scope}`);
