import { OPERATIONS } from '@clickclack/protocol';
import rateLimit, { type FastifyRateLimitStore } from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import {
  WRITE_LIMIT_NOUNS,
  windowText,
  type WriteLimitName,
  type WriteLimits,
} from '../../config/write-limits.js';
import type { ServiceDeps } from '../../services/context.js';
import { rateLimited } from '../../services/errors.js';
import { countWrite, retryAfterSeconds } from '../../services/rate-windows.js';
import type { App } from '../route.js';

const key = (op: { method: string; path: string }) => `${op.method} ${op.path}`;

/** Which routes spend which budget; routes that share one (every way to post) share a group. */
const LIMITED_ROUTES: Record<string, WriteLimitName> = {
  [key(OPERATIONS.createMessage)]: 'messages',
  [key(OPERATIONS.createReply)]: 'messages',
  [key(OPERATIONS.createDmMessage)]: 'messages',
  [key(OPERATIONS.addReaction)]: 'reactions',
  [key(OPERATIONS.createUpload)]: 'uploads',
  [key(OPERATIONS.publishEphemeral)]: 'ephemeral',
  [key(OPERATIONS.createWorkspace)]: 'workspaces',
  [key(OPERATIONS.createChannel)]: 'channels',
  // Each change is a `user.updated` to every member of every workspace of the caller.
  [key(OPERATIONS.updateMe)]: 'profile',
  [key(OPERATIONS.setMyStatus)]: 'profile',
};

/**
 * Per-user write budgets through `@fastify/rate-limit`, its counts kept in the database
 * (services/rate-windows.ts) so that every node spends one budget. The check runs as a
 * `preHandler`: after authentication (the key is the caller's user, a bot's included) and
 * validation, so a refused or malformed request costs nothing. Must be registered before
 * the routes: it attaches each budget as the route is added.
 */
export async function registerWriteLimits(
  app: App,
  deps: ServiceDeps,
  limits: WriteLimits,
): Promise<void> {
  app.addHook('onRoute', (r) => {
    const methods = Array.isArray(r.method) ? r.method : [r.method];
    const name = methods.map((m) => LIMITED_ROUTES[`${m} ${r.url}`]).find(Boolean);
    const limit = name && limits[name];
    if (!name || !limit) return;
    r.config = {
      ...(r.config as object),
      rateLimit: { max: limit.max, timeWindow: limit.windowMs, groupId: name },
    };
  });
  /** The plugin's store contract, counting in the database; one instance serves every route. */
  class DatabaseStore implements FastifyRateLimitStore {
    incr(
      bucket: string,
      cb: (err: Error | null, res?: { current: number; ttl: number }) => void,
      timeWindow?: number,
    ): void {
      countWrite(deps, bucket, timeWindow ?? 60_000).then(
        (w) => cb(null, { current: w.count, ttl: w.resetMs }),
        (err: Error) => cb(err),
      );
    }
    child(): FastifyRateLimitStore {
      return this;
    }
  }
  await app.register(rateLimit, {
    global: false,
    hook: 'preHandler',
    store: DatabaseStore,
    // The plugin appends the route's group (`messages`, …) to this.
    keyGenerator: (req: FastifyRequest) => `user:${req.actor.user.id}:`,
    errorResponseBuilder: (req, ctx) => {
      const config = req.routeOptions.config.rateLimit;
      const group = config && (config.groupId as WriteLimitName | undefined);
      const name = group ? WRITE_LIMIT_NOUNS[group] : 'writes';
      const window = windowText(Number((config && config.timeWindow) ?? 60_000));
      return rateLimited(
        `too many ${name}: at most ${ctx.max} per ${window} (rate limit)`,
        retryAfterSeconds(ctx.ttl),
      );
    },
  });
}
