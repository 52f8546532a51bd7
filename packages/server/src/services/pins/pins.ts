import type { Actor } from '../actor.js';
import type {
  Event,
  Message,
  PinBody,
  PinResponse,
  PinsQuery,
  UnpinResponse,
} from '@clickclack/protocol';
import { nowIso } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { ChannelRow } from '../../store/repos/channels.js';
import type { MessageRow } from '../../store/repos/messages.js';
import type { Repos } from '../../store/store.js';
import type { ServiceDeps } from '../context.js';
import { badRequest, conflict, notFound } from '../errors.js';
import {
  assertCanPost,
  assertScope,
  assertUnrestricted,
  requireReadableChannel,
} from '../policies.js';
import { presentMessages } from '../present.js';

export const MAX_PINS = 100;

export async function listPins(
  deps: ServiceDeps,
  actor: Actor,
  channelId: string,
  query: PinsQuery,
): Promise<Message[]> {
  assertScope(actor, 'messages:read');
  const db = deps.store.read;
  await requireReadableChannel(db, actor, channelId);
  const raw = Number(query.limit ?? MAX_PINS);
  const limit = Number.isInteger(raw) && raw >= 1 && raw <= MAX_PINS ? raw : MAX_PINS;
  const ids = await db.messaging.pinnedMessageIds(channelId, limit);
  const rows = new Map((await db.messages.byIds(ids)).map((m) => [m.id, m]));
  return presentMessages(
    db,
    ids.flatMap((id) => rows.get(id) ?? []),
    { threadState: false, viewerId: actor.user.id },
  );
}

/** Any channel member may pin a live message of that channel, up to 100 per channel. */
export async function pinMessage(
  deps: ServiceDeps,
  actor: Actor,
  channelId: string,
  body: PinBody,
): Promise<PinResponse> {
  assertScope(actor, 'messages:write');
  const messageId = body.message_id.trim();
  if (messageId === '') throw badRequest('message_id is required');
  return deps.store.write(async (tx) => {
    const { channel } = await requireReadableChannel(tx, actor, channelId);
    await assertUnrestricted(tx, channel.workspace_id, actor.user.id);
    assertCanPost(channel);
    const message = await tx.messages.byId(messageId);
    if (!message || message.channel_id !== channel.id)
      throw badRequest('message is not in this channel');
    if (message.deleted_at) throw badRequest('deleted messages cannot be pinned');
    if (await tx.messaging.pin(channel.id, message.id)) throw conflict('message is already pinned');
    if ((await tx.messaging.pinCount(channel.id)) >= MAX_PINS) {
      throw conflict(`channel pin limit reached (maximum ${MAX_PINS})`);
    }
    const pin = {
      id: newId('pin'),
      workspace_id: channel.workspace_id,
      channel_id: channel.id,
      message_id: message.id,
      pinned_by: actor.user.id,
      created_at: nowIso(),
    };
    await tx.messaging.insertPin(pin);
    const event = await tx.events.append({
      type: 'pin.added',
      workspace_id: channel.workspace_id,
      channel_id: channel.id,
      ...(message.parent_message_id === null && message.channel_seq !== null
        ? { seq: message.channel_seq }
        : {}),
      payload: { channel_id: channel.id, message_id: message.id, pinned_by: actor.user.id },
    });
    return { pinned_message: pin, event };
  });
}

export async function unpinMessage(
  deps: ServiceDeps,
  actor: Actor,
  channelId: string,
  messageId: string,
): Promise<UnpinResponse> {
  assertScope(actor, 'messages:write');
  return deps.store.write(async (tx) => {
    const { channel } = await requireReadableChannel(tx, actor, channelId);
    await assertUnrestricted(tx, channel.workspace_id, actor.user.id);
    const message = await tx.messages.byId(messageId);
    if (!message || message.channel_id !== channel.id)
      throw badRequest('message is not in this channel');
    const event = await unpin(tx, channel, message, actor.user.id);
    if (!event) throw notFound('pinned message not found');
    return { event };
  });
}

/**
 * Removes a message's pin and records `pin.removed`, with `pinned_by` naming who removed
 * it; undefined when it was not pinned.
 */
export async function unpin(
  tx: Repos,
  channel: ChannelRow,
  message: MessageRow,
  by: string,
): Promise<Event | undefined> {
  if (!(await tx.messaging.deletePin(channel.id, message.id))) return undefined;
  return tx.events.append({
    type: 'pin.removed',
    workspace_id: channel.workspace_id,
    channel_id: channel.id,
    ...(message.parent_message_id === null && message.channel_seq !== null
      ? { seq: message.channel_seq }
      : {}),
    payload: { channel_id: channel.id, message_id: message.id, pinned_by: by },
  });
}
