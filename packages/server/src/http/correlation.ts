import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';

const SAFE = /^[A-Za-z0-9._:-]{1,128}$/;

/** A caller's X-Correlation-ID when it is safe to echo and store, else undefined. */
export function suppliedCorrelationId(req: IncomingMessage): string | undefined {
  const raw = req.headers['x-correlation-id'];
  const v = Array.isArray(raw) ? raw[0] : raw;
  return v !== undefined && SAFE.test(v) ? v : undefined;
}

/** Fastify request id: the caller's correlation id, or a fresh one. */
export const requestId = (req: IncomingMessage): string =>
  suppliedCorrelationId(req) ?? randomUUID();
