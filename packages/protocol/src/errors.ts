import { Type, type Static } from 'typebox';

/** Every error response: a human message and a stable snake_case code. */
export const ErrorBody = Type.Object({
  error: Type.String(),
  code: Type.Optional(Type.String()),
});
export type ErrorBody = Static<typeof ErrorBody>;

export const ERROR_CODES = [
  'bad_request',
  'validation_failed',
  'unauthenticated',
  'forbidden',
  'missing_scope',
  'not_found',
  'conflict',
  'cursor_gone',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'not_implemented',
  'bad_gateway',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
