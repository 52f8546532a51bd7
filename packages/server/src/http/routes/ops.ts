import { buildOpenApi, OPERATIONS } from '@clickclack/protocol';
import type { ServiceDeps } from '../../services/context.js';
import { route, type App } from '../route.js';

const openapi = JSON.stringify(buildOpenApi());

/** How long /readyz waits for the database before answering 503. */
const READY_TIMEOUT_MS = 2000;

export function opsRoutes(app: App, deps: ServiceDeps): void {
  route(app, OPERATIONS.healthz, async () => ({ ok: true }));
  route(app, OPERATIONS.readyz, async (req, reply) => {
    // A database that does not answer (a partition, a full pool) is as unready as one that
    // refuses: a load balancer's probe gets its answer in bounded time either way.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), READY_TIMEOUT_MS);
    });
    try {
      await Promise.race([deps.store.ping(), late]);
      return { ok: true };
    } catch (err) {
      req.log.warn({ err }, 'readyz: database unreachable');
      const why = (err as Error).message === 'timed out' ? 'did not answer in time' : 'unreachable';
      return reply.status(503).send({ error: `database ${why}`, code: 'internal' });
    } finally {
      clearTimeout(timer);
    }
  });
  app.get('/api/openapi.json', { config: { auth: false } }, async (_req, reply) =>
    reply.type('application/json').send(openapi),
  );
}
