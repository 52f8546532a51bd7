import { buildOpenApi, OPERATIONS } from '@clickclack/protocol';
import type { ServiceDeps } from '../../services/context.js';
import { route, type App } from '../route.js';

const openapi = JSON.stringify(buildOpenApi());

export function opsRoutes(app: App, deps: ServiceDeps): void {
  route(app, OPERATIONS.healthz, async () => ({ ok: true }));
  route(app, OPERATIONS.readyz, async (_req, reply) => {
    try {
      await deps.store.ping();
      return { ok: true };
    } catch {
      return reply.status(503).send({ error: 'database unavailable', code: 'internal' });
    }
  });
  app.get('/api/openapi.json', { config: { auth: false } }, async (_req, reply) =>
    reply.type('application/json').send(openapi),
  );
}
