import type { Operation } from '@clickclack/protocol';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { TSchema } from 'typebox';
import type { Static } from 'typebox';
import type { Actor } from '../services/actor.js';
import type { Outcome } from '../services/context.js';
import { suppliedCorrelationId } from './correlation.js';
import { nullStripper } from './null-as-absent.js';

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

type Part<O, K extends string> = O extends Record<K, infer T extends TSchema> ? Static<T> : unknown;

export type Req<O extends Operation> = FastifyRequest & {
  params: Part<O, 'params'>;
  query: Part<O, 'query'>;
  body: Part<O, 'body'>;
};

/**
 * The caller as every service takes it: the authenticated actor, with the correlation id this
 * request supplied. A copy, so the actor the auth hook resolved stays free of request data.
 */
export function caller(req: FastifyRequest): Actor {
  const correlationId = suppliedCorrelationId(req.raw);
  return correlationId === undefined ? req.actor : { ...req.actor, correlationId };
}

export interface RouteOptions {
  /**
   * The handler's value is built field by field by the presenters (services/present.ts),
   * already the exact wire shape, so it is serialized by `JSON.stringify`. The schema's
   * compiled serializer concatenates a 50-message page out of thousands of pieces: slower
   * and ~100 KB of garbage per page. Only for handlers whose every field is presented;
   * `test/wire-shapes.test.ts` checks their output against the schema.
   */
  presented?: boolean;
}

/**
 * Registers one operation of the protocol's route table: method, path, validation and
 * response schemas all come from the contract; the handler only calls a service. Every
 * operation's body reads `null` in an optional field as absent (null-as-absent.ts).
 * An operation with a `rawBody` (a multipart upload, a form-encoded hook) has no body
 * schema here: its handler reads and checks the body; `fileResponses` (a download) are
 * streams, sent unserialized.
 */
export function route<O extends Operation>(
  app: App,
  op: O,
  handler: (req: Req<O>, reply: FastifyReply) => Promise<unknown>,
  opts: RouteOptions = {},
): void {
  const stripNulls = op.body ? nullStripper(op.body) : undefined;
  app.route({
    ...(opts.presented
      ? { serializerCompiler: () => (data: unknown) => JSON.stringify(data) }
      : {}),
    method: op.method,
    url: op.path,
    config: { auth: op.auth },
    schema: {
      ...(op.params ? { params: op.params } : {}),
      ...(op.query ? { querystring: op.query } : {}),
      ...(op.body ? { body: op.body } : {}),
      response: op.responses,
    },
    // Runs after the auth hook and before validation: a null in an optional field is absent,
    // and so is an optional body.
    ...(stripNulls
      ? {
          preValidation: async (req: FastifyRequest) => {
            if (op.bodyOptional && req.body === undefined) req.body = {};
            stripNulls(req.body);
          },
        }
      : {}),
    handler: (req, reply) => handler(req as Req<O>, reply),
  });
}

/** An operation that answers 201 when its write created something and 200 when not. */
type CreatedOrNot = Operation & { responses: Record<200 | 201, TSchema> };

/**
 * Registers a write that may create nothing (a nonce replay, a reaction already there): its
 * service answers an `Outcome` in domain terms, and this is the one place that turns it into
 * a status, 201 created or 200 not, both listed in the operation's responses.
 */
export function routeOutcome<O extends CreatedOrNot>(
  app: App,
  op: O,
  handler: (req: Req<O>) => Promise<Outcome<Static<O['responses'][201]>>>,
  opts: RouteOptions = {},
): void {
  route(
    app,
    op,
    async (req, reply) => {
      const { created, response } = await handler(req);
      return reply.status(created ? 201 : 200).send(response);
    },
    opts,
  );
}
