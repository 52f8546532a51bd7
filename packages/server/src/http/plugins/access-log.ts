import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { suppliedCorrelationId } from '../correlation.js';
import { UNMATCHED_ROUTE } from './metrics.js';

/**
 * `serve --access-log <dest>`: one JSON line per answered request on its own pino logger,
 * written to stdout, stderr or appended to a file. Only the route pattern is logged, never
 * the URL (a query string may carry a token), and no header but the correlation id.
 */
export function accessLogger(dest: string): Logger {
  const stream =
    dest === 'stdout'
      ? pino.destination(1)
      : dest === 'stderr'
        ? pino.destination(2)
        : pino.destination({ dest, append: true, mkdir: true, sync: true });
  return pino({ base: null, timestamp: pino.stdTimeFunctions.isoTime }, stream);
}

export function registerAccessLog(app: FastifyInstance, log: Logger): void {
  app.addHook('onResponse', async (req, reply) => {
    log.info(
      {
        method: req.method,
        route: req.routeOptions.url ?? UNMATCHED_ROUTE,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 100) / 100,
        correlation_id: suppliedCorrelationId(req.raw) ?? null,
        request_id: req.id,
      },
      'request',
    );
  });
  app.addHook('onClose', async () => log.flush());
}
