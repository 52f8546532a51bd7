import { Type } from 'typebox';
import { ok, type Operation } from './operation.js';

const Health = Type.Object({ ok: Type.Boolean() });

/** Probes for load balancers and orchestrators. */
export const OPS_OPERATIONS = {
  healthz: {
    method: 'GET',
    path: '/healthz',
    summary: 'Liveness',
    auth: false,
    responses: ok(200, Health),
  },
  readyz: {
    method: 'GET',
    path: '/readyz',
    summary: 'Readiness (database reachable)',
    auth: false,
    responses: ok(200, Health),
  },
} satisfies Record<string, Operation>;
