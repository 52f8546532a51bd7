import { Type, type Static } from 'typebox';
import { NotificationPreference } from '../entities/channel.js';

/** `GET/PATCH /api/channels/{id}/notification-settings`, as upstream: one `preference`. */
export const NotificationSettingsBody = Type.Object({
  /** `all`, `mentions` or `muted`; anything else is a 400 naming the three. */
  preference: Type.String({ maxLength: 20 }),
});
export type NotificationSettingsBody = Static<typeof NotificationSettingsBody>;

export const NotificationSettingsResponse = Type.Object({ preference: NotificationPreference });
export type NotificationSettingsResponse = Static<typeof NotificationSettingsResponse>;

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

/** Path parameters of the upstream routes this server answers 501 (see COMPAT_OPERATIONS). */
export const ConnectedAccountParams = Type.Object({ account_id: Type.String({ maxLength: 100 }) });
