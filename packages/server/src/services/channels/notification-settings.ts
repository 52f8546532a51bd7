import type {
  NotificationPreference,
  NotificationSettingsBody,
  NotificationSettingsResponse,
} from '@clickclack/protocol';
import { nowIso } from '../../lib/clock.js';
import type { Actor } from '../actor.js';
import type { ServiceDeps } from '../context.js';
import { badRequest } from '../errors.js';
import { assertScope, requireReadableChannel } from '../policies.js';

const PREFERENCES: readonly string[] = ['all', 'mentions', 'muted'];

/** The caller's preference for a channel they can read (a private one they are not in: 404). */
export async function getChannelNotificationSettings(
  deps: ServiceDeps,
  actor: Actor,
  channelId: string,
): Promise<NotificationSettingsResponse> {
  assertScope(actor, 'messages:read');
  const db = deps.store.read;
  const { channel } = await requireReadableChannel(db, actor, channelId);
  const preference = await db.channels.notificationPreference(channel.id, actor.user.id);
  return { preference: preference as NotificationPreference };
}

/**
 * Sets the caller's preference; channel lists then count only mentions (`mentions`) or
 * nothing (`muted`) as unread. Private to the caller: no event.
 */
export async function updateChannelNotificationSettings(
  deps: ServiceDeps,
  actor: Actor,
  channelId: string,
  body: NotificationSettingsBody,
): Promise<NotificationSettingsResponse> {
  assertScope(actor, 'messages:write');
  const preference = body.preference.trim();
  if (!PREFERENCES.includes(preference))
    throw badRequest('preference must be all, mentions, or muted');
  await deps.store.write(async (tx) => {
    const { channel } = await requireReadableChannel(tx, actor, channelId);
    await tx.channels.setNotificationPreference(channel.id, actor.user.id, preference, nowIso());
  });
  return { preference: preference as NotificationPreference };
}
