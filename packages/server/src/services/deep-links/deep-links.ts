import type { MessageResponse, RouteTarget } from '@clickclack/protocol';
import { nowIso } from '../../lib/clock.js';
import { newRouteId } from '../../lib/ids.js';
import type { MessageRow } from '../../store/repos/messages.js';
import type { WorkspaceRow } from '../../store/repos/workspaces.js';
import type { Repos } from '../../store/store.js';
import type { Actor } from '../actor.js';
import type { ServiceDeps } from '../context.js';
import { DomainError, badRequest, notFound } from '../errors.js';
import {
  assertScope,
  requireDm,
  requireReadableChannel,
  requireReadableMessage,
} from '../policies.js';
import { presentOne, withRouteId } from '../present.js';

const ROUTE_NOT_FOUND = 'route not found';
const LEGACY = /^(wsp|chn|dm|msg)_/;

/** What a target id names, from its form: `C…`/`chn_…`, `D…`/`dm_…`, `M…`/`msg_…`. */
function targetKind(id: string): 'channel' | 'direct' | 'thread' | undefined {
  if (/^(C|chn_)/.test(id)) return 'channel';
  if (/^(D|dm_)/.test(id)) return 'direct';
  if (/^(M|msg_)/.test(id)) return 'thread';
  return undefined;
}

const canonicalPath = (workspaceRoute: string, targetRoute: string): string =>
  `/app/${encodeURIComponent(workspaceRoute)}/${encodeURIComponent(targetRoute)}`;

/**
 * Any failure to see what a route names (missing, another workspace's, a private channel or
 * DM the caller cannot read) is the same 404, so routes leak nothing.
 */
async function hidden<T>(find: () => Promise<T | undefined>): Promise<T> {
  try {
    const found = await find();
    if (found === undefined) throw notFound(ROUTE_NOT_FOUND);
    return found;
  } catch (err) {
    if (err instanceof DomainError && err.code === 'not_found') throw notFound(ROUTE_NOT_FOUND);
    throw err;
  }
}

/**
 * Resolves the public ids of an app URL (`/app/T…/C…`) to what they name. Upstream's legacy
 * form (`wsp_…`/`chn_…`/`dm_…`/`msg_…` ids) resolves too; a legacy thread root that has
 * no route id yet gets one, as upstream does.
 */
export async function resolveRoute(
  deps: ServiceDeps,
  actor: Actor,
  workspaceRouteId: string,
  targetRouteId: string,
): Promise<RouteTarget> {
  const wsParam = workspaceRouteId.trim();
  const targetParam = targetRouteId.trim();
  const kind = targetKind(targetParam);
  if (!kind) throw notFound(ROUTE_NOT_FOUND);
  assertScope(
    actor,
    kind === 'channel' ? 'channels:read' : kind === 'direct' ? 'dms:read' : 'threads:read',
  );
  const legacy = LEGACY.test(wsParam) || LEGACY.test(targetParam);
  const db = deps.store.read;
  const ws = await hidden(async () => {
    const row = legacy ? await db.workspaces.byId(wsParam) : await db.routes.workspace(wsParam);
    return row && (await db.workspaces.role(row.id, actor.user.id)) ? row : undefined;
  });
  const base = { workspace_id: ws.id, workspace_route_id: ws.route_id };
  if (kind === 'channel') {
    const channel = await hidden(async () => {
      const row = legacy
        ? await db.channels.byId(targetParam)
        : await db.routes.channel(ws.id, targetParam);
      if (!row || row.workspace_id !== ws.id) return undefined;
      return (await requireReadableChannel(db, actor, row.id)).channel;
    });
    return {
      ...base,
      target_type: 'channel',
      target_id: channel.id,
      target_route_id: channel.route_id,
      canonical_path: canonicalPath(ws.route_id, channel.route_id),
    };
  }
  if (kind === 'direct') {
    const dm = await hidden(async () => {
      const row = legacy ? await db.dms.byId(targetParam) : await db.routes.dm(ws.id, targetParam);
      if (!row || row.workspace_id !== ws.id) return undefined;
      return requireDm(db, actor, row.id);
    });
    return {
      ...base,
      target_type: 'direct',
      target_id: dm.id,
      target_route_id: dm.route_id,
      canonical_path: canonicalPath(ws.route_id, dm.route_id),
    };
  }
  return resolveThread(deps, actor, ws, targetParam, legacy);
}

async function resolveThread(
  deps: ServiceDeps,
  actor: Actor,
  ws: WorkspaceRow,
  targetParam: string,
  legacy: boolean,
): Promise<RouteTarget> {
  const db = deps.store.read;
  const root = await hidden(async () => {
    const id = legacy ? targetParam : await db.routes.messageId(ws.id, targetParam);
    if (!id) return undefined;
    const { message } = await requireReadableMessage(db, actor, id);
    return message.workspace_id === ws.id && message.parent_message_id === null
      ? message
      : undefined;
  });
  const routeId = legacy ? await allocateRoute(deps, root) : targetParam;
  const parent = root.channel_id
    ? {
        parent_type: 'channel' as const,
        parent_id: root.channel_id,
        parent_route_id: (await db.channels.byId(root.channel_id))?.route_id ?? '',
      }
    : {
        parent_type: 'direct' as const,
        parent_id: root.direct_conversation_id ?? '',
        parent_route_id: (await db.dms.byId(root.direct_conversation_id ?? ''))?.route_id ?? '',
      };
  return {
    workspace_id: ws.id,
    workspace_route_id: ws.route_id,
    target_type: 'thread',
    target_id: root.id,
    target_route_id: routeId,
    ...parent,
    canonical_path: canonicalPath(ws.route_id, routeId),
  };
}

/** The root's `M…` route id, allocated in one write the first time (retried on a clash). */
async function allocateRoute(deps: ServiceDeps, root: MessageRow): Promise<string> {
  const existing = await deps.store.read.routes.ofMessage(root.id);
  if (existing) return existing;
  return deps.store.write(async (tx: Repos) => {
    for (;;) {
      const current = await tx.routes.ofMessage(root.id);
      if (current) return current;
      const routeId = newRouteId('M');
      if (await tx.routes.insertMessageRoute(root.id, root.workspace_id, routeId, nowIso()))
        return routeId;
    }
  });
}

/**
 * Copy link: gives a thread root (channel or DM) its immutable `M…` route id, once, and
 * returns the message with it. A reply has no route of its own: link its root.
 */
export async function ensureMessageRoute(
  deps: ServiceDeps,
  actor: Actor,
  messageId: string,
): Promise<MessageResponse> {
  assertScope(actor, 'threads:read');
  const db = deps.store.read;
  const { message } = await requireReadableMessage(db, actor, messageId);
  if (message.parent_message_id !== null)
    throw badRequest('only thread roots have routes; link the thread root instead');
  await allocateRoute(deps, message);
  return {
    message: await withRouteId(deps.store.read, await presentOne(db, message, actor.user.id)),
  };
}
