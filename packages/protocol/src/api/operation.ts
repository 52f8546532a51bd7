import type { TSchema } from 'typebox';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface Operation {
  method: HttpMethod;
  /** Fastify-style path (`:param`). */
  path: string;
  summary: string;
  /** false for the public allow-list; everything else needs a caller. */
  auth: boolean;
  params?: TSchema;
  query?: TSchema;
  body?: TSchema;
  /** The body may be left out (read as `{}`): every field of it is optional. */
  bodyOptional?: boolean;
  /**
   * A body that is not one JSON value the server validates (a multipart file, a form carrying
   * JSON in a field): its schema per media type, for the OpenAPI document. The handler reads
   * and checks it itself; `body` is then absent.
   */
  rawBody?: Record<string, TSchema>;
  /** JSON responses by status. */
  responses: Record<number, TSchema>;
  /** Responses that are a file's bytes, not JSON: status → what they hold. */
  fileResponses?: Record<number, string>;
}

/** `{ [status]: schema }` for the usual single-success response. */
export const ok = (status: number, schema: TSchema) => ({ [status]: schema });
