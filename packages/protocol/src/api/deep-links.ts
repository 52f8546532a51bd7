import { Type, type Static } from 'typebox';
import { MessageResponse } from './messages.js';
import { ok, type Operation } from './operation.js';
import { MessageParams } from './params.js';

/**
 * Public route ids in app URLs: `T…` workspace, `C…` channel, `D…` DM, `M…` thread root.
 * Upstream's legacy forms (`wsp_…`, `chn_…`, `dm_…`, `msg_…`) resolve too.
 */
export const RouteParams = Type.Object({
  workspace_route_id: Type.String({ maxLength: 100 }),
  target_route_id: Type.String({ maxLength: 100 }),
});
export type RouteParams = Static<typeof RouteParams>;

export const RouteTargetType = Type.Union([
  Type.Literal('channel'),
  Type.Literal('direct'),
  Type.Literal('thread'),
]);

export const RouteTarget = Type.Object({
  workspace_id: Type.String(),
  workspace_route_id: Type.String(),
  target_type: RouteTargetType,
  target_id: Type.String(),
  target_route_id: Type.String(),
  /** Threads only: the channel or DM the root was posted in. */
  parent_type: Type.Optional(Type.Union([Type.Literal('channel'), Type.Literal('direct')])),
  parent_id: Type.Optional(Type.String()),
  parent_route_id: Type.Optional(Type.String()),
  /** `/app/{workspace_route_id}/{target_route_id}`. */
  canonical_path: Type.String(),
});
export type RouteTarget = Static<typeof RouteTarget>;

export const RouteResponse = Type.Object({ route: RouteTarget });
export type RouteResponse = Static<typeof RouteResponse>;

/** Deep links: what an app URL's route ids name, and a thread root's own id for Copy link. */
export const DEEP_LINKS_OPERATIONS = {
  resolveRoute: {
    method: 'GET',
    path: '/api/routes/:workspace_route_id/:target_route_id',
    summary: 'Resolve public route ids (T…/C…/D…/M…) from an app URL to what they name',
    auth: true,
    params: RouteParams,
    responses: ok(200, RouteResponse),
  },
  ensureMessageRoute: {
    method: 'POST',
    path: '/api/messages/:message_id/route',
    summary: "Allocate (once) a thread root's public M… route id, for Copy link",
    auth: true,
    params: MessageParams,
    responses: ok(200, MessageResponse),
  },
} satisfies Record<string, Operation>;
