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
 * Registers one operation of the protocol's route table: method, path, validation and
 * response schemas all come from the contract; the handler only calls a service.
 */
export function route<O extends Operation>(
  app: App,
  op: O,
  handler: (req: Req<O>, reply: FastifyReply) => Promise<unknown>,
): void {
  app.route({
    method: op.method,
    url: op.path,
    config: { auth: op.auth },
    schema: {
      ...(op.params ? { params: op.params } : {}),
      ...(op.query ? { querystring: op.query } : {}),
      ...(op.body ? { body: op.body } : {}),
      response: op.responses,
    },
    handler: (req, reply) => handler(req as Req<O>, reply),
  });
}
