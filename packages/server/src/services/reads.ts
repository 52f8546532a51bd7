import type { ReadBody, ReceiptResponse } from '@clickclack/protocol';
import { nowIso } from '../lib/clock.js';
import type { Event } from '@clickclack/protocol';
import type { Ctx, ServiceDeps } from './context.js';
import { assertScope, requireReadableChannel } from './policies.js';

/**
 * Moves the caller's read pointer forward (capped at the newest root seq) and recounts the
 * unread mentions past it. Only a pointer that moved writes the private `channel.read`.
 */
export async function markChannelRead(
  deps: ServiceDeps,
  ctx: Ctx,
  channelId: string,
  body: ReadBody,
): Promise<ReceiptResponse> {
  assertScope(ctx.actor, 'messages:read');
  const userId = ctx.actor.user.id;
  const res = await deps.store.write(async (tx) => {
    const { channel } = await requireReadableChannel(tx, ctx.actor, channelId);
    const current = await tx.channels.readPointer(channel.id, userId);
    const seq = Math.min(body.seq, channel.last_seq);
    const at = nowIso();
    if (seq <= current.last_read_seq) {
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
  if (res.event) deps.published([res.event]);
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
