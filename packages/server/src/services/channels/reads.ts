import type { Actor } from '../actor.js';
import type { ReadBody, ReceiptResponse, UnreadBody } from '@clickclack/protocol';
import { nowIso } from '../../lib/clock.js';
import type { Event } from '@clickclack/protocol';
import type { ServiceDeps } from '../context.js';
import { assertScope, requireReadableChannel } from '../policies.js';

/** Where a read pointer moves, given the newest seq and where it is; undefined: it stays. */
export type PointerMove = (lastSeq: number, current: number) => number | undefined;

/** Read up to `seq` (capped at the newest): a pointer only ever moves forward this way. */
export const readUpTo =
  (seq: number): PointerMove =>
  (last, current) => {
    const to = Math.min(seq, last);
    return to > current ? to : undefined;
  };

/** Unread from `seq`: the pointer moves back to just before it, never forward. */
export const unreadFrom =
  (seq: number): PointerMove =>
  (last, current) => {
    const to = Math.min(seq, last + 1) - 1;
    return to < current ? to : undefined;
  };

/**
 * Moves the caller's read pointer forward (capped at the newest root seq) and recounts the
 * unread mentions past it. Only a pointer that moved writes the private `channel.read`.
 */
export function markChannelRead(
  deps: ServiceDeps,
  actor: Actor,
  channelId: string,
  body: ReadBody,
): Promise<ReceiptResponse> {
  return movePointer(deps, actor, channelId, readUpTo(body.seq));
}

/**
 * Mark unread: moves the caller's read pointer back to just before the message at `seq`, so
 * it and everything after it count as unread again. A message already unread changes nothing.
 */
export function markChannelUnread(
  deps: ServiceDeps,
  actor: Actor,
  channelId: string,
  body: UnreadBody,
): Promise<ReceiptResponse> {
  return movePointer(deps, actor, channelId, unreadFrom(body.seq));
}

/** `target(last_seq, current)` is the new pointer, or undefined to leave it where it is. */
async function movePointer(
  deps: ServiceDeps,
  actor: Actor,
  channelId: string,
  target: PointerMove,
): Promise<ReceiptResponse> {
  assertScope(actor, 'messages:read');
  const userId = actor.user.id;
  const res = await deps.store.write(async (tx) => {
    const { channel } = await requireReadableChannel(tx, actor, channelId);
    const current = await tx.channels.readPointer(channel.id, userId);
    const seq = target(channel.last_seq, current.last_read_seq);
    const at = nowIso();
    if (seq === undefined) {
      return {
        seq: current.last_read_seq,
        mentions: current.mention_count,
        at,
        event: undefined as Event | undefined,
      };
    }
    const mentions = await tx.messaging.unreadMentions(channel.id, userId, seq);
    await tx.messages.setRead(channel.id, userId, seq, mentions, at);
    const event = await tx.events.append({
      type: 'channel.read',
      workspace_id: channel.workspace_id,
      channel_id: channel.id,
      seq,
      payload: { channel_id: channel.id, user_id: userId },
      recipients: [userId],
    });
    return { seq, mentions, at, event };
  });
  return {
    receipt: {
      scope_id: channelId,
      user_id: userId,
      last_read_seq: res.seq,
      last_read_at: res.at,
      mention_count: res.mentions,
    },
  };
}
