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
  responses: Record<number, TSchema>;
}

/** `{ [status]: schema }` for the usual single-success response. */
export const ok = (status: number, schema: TSchema) => ({ [status]: schema });
