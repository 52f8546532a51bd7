import type {
  ChannelDeletionCounts,
  ChannelDeletionPreview,
  DeleteChannelResponse,
} from '@clickclack/protocol';
import type { ChannelRow } from '../../store/repos/channels.js';
import type { Repos } from '../../store/store.js';
import type { Actor } from '../actor.js';
import type { ServiceDeps } from '../context.js';
import { DomainError } from '../errors.js';
import {
  assertScope,
  channelDeletionBlocker,
  channelRecipients,
  requireReadableChannel,
} from '../policies.js';
import { presentChannel } from '../present.js';
import { deleteOrphans } from '../uploads/uploads.js';

async function inspect(tx: Repos, actor: Actor, channelId: string) {
  const { channel, role } = await requireReadableChannel(tx, actor, channelId);
  const [content, channels] = await Promise.all([
    tx.channels.content(channel.id),
    tx.channels.countInWorkspace(channel.workspace_id),
  ]);
  const counts: ChannelDeletionCounts = {
    messages: content.messages,
    thread_replies: content.thread_replies,
    files: content.uploads.length,
  };
  return {
    channel,
    counts,
    uploads: content.uploads,
    blocker: channelDeletionBlocker(actor, role, channel, channels),
  };
}

const present = (channel: ChannelRow) =>
  presentChannel(channel, { last_read_seq: 0, unread_count: 0 });

/** What deleting a channel would remove, and why the caller could not, for a confirmation. */
export async function previewChannelDeletion(
  deps: ServiceDeps,
  actor: Actor,
  channelId: string,
): Promise<ChannelDeletionPreview> {
  assertScope(actor, 'channels:read');
  const { channel, counts, blocker } = await inspect(deps.store.read, actor, channelId);
  return { channel: present(channel), counts, blocker: blocker?.message ?? null };
}

/**
 * Permanently deletes a channel with its messages, threads, reactions, pins and files. The
 * `channel.deleted` event names no channel column (the row is gone, so nobody could be
 * found to read it): it is addressed to the people who could read the channel.
 */
export async function deleteChannel(
  deps: ServiceDeps,
  actor: Actor,
  channelId: string,
): Promise<DeleteChannelResponse> {
  const res = await deps.store.write(async (tx) => {
    const found = await inspect(tx, actor, channelId);
    const { channel } = found;
    if (found.blocker) throw new DomainError(found.blocker.code, found.blocker.message);
    const recipients = await channelRecipients(tx, channel);
    await tx.channels.deleteWithContent(channel.id);
    await tx.audit.record({
      workspaceId: channel.workspace_id,
      actorUserId: actor.user.id,
      action: 'channel.deleted',
      targetType: 'channel',
      targetId: channel.id,
      metadata: { name: channel.name, ...found.counts },
    });
    const event = await tx.events.append({
      type: 'channel.deleted',
      workspace_id: channel.workspace_id,
      payload: { channel_id: channel.id, name: channel.name, by: actor.user.id },
      ...(recipients ? { recipients } : {}),
    });
    return { ...found, event };
  });
  // After the commit: a file is gone only once nothing attaches it, and a blob store is no
  // part of the transaction.
  await deleteOrphans(deps, res.uploads);
  return { deleted_channel: present(res.channel), counts: res.counts, event: res.event };
}
