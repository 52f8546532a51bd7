import type { Actor } from '../actor.js';
import type { Event, FollowResponse } from '@clickclack/protocol';
import { nowIso } from '../../lib/clock.js';
import type { MessageRow } from '../../store/repos/messages.js';
import type { Repos } from '../../store/store.js';
import type { ServiceDeps } from '../context.js';
import { badRequest } from '../errors.js';
import { assertScope, requireReadableMessage } from '../policies.js';

/** The root's author and everyone who replies follow a thread unless they opted out. */
export async function autoFollow(
  tx: Repos,
  rootId: string,
  userIds: readonly string[],
): Promise<void> {
  const at = nowIso();
  for (const id of new Set(userIds)) await tx.messaging.setFollow(rootId, id, true, at, true);
}

/**
 * One private event per reply for the thread's followers (not the replier), so people get
 * replies to threads they are in even when they do not watch the whole channel.
 */
export async function notifyFollowers(
  tx: Repos,
  root: MessageRow,
  reply: MessageRow,
): Promise<Event | undefined> {
  const followers = (await tx.messaging.followers(root.id)).filter((id) => id !== reply.author_id);
  const readers: string[] = [];
  for (const id of followers) {
    if (
      root.direct_conversation_id
        ? await tx.dms.isMember(root.direct_conversation_id, id)
        : await tx.workspaces.role(root.workspace_id, id)
    ) {
      readers.push(id);
    }
  }
  if (readers.length === 0) return undefined;
  return tx.events.append({
    type: 'thread.followed_reply',
    workspace_id: root.workspace_id,
    channel_id: root.channel_id,
    direct_conversation_id: root.direct_conversation_id,
    payload: {
      message_id: reply.id,
      root_message_id: root.id,
      author_id: reply.author_id,
      ...(root.direct_conversation_id
        ? { direct_conversation_id: root.direct_conversation_id }
        : {}),
    },
    recipients: readers,
  });
}

export async function setFollow(
  deps: ServiceDeps,
  actor: Actor,
  messageId: string,
  following: boolean,
): Promise<FollowResponse> {
  assertScope(actor, 'threads:read');
  await deps.store.write(async (tx) => {
    const { message } = await requireReadableMessage(tx, actor, messageId);
    if (message.parent_message_id !== null) throw badRequest('thread root must be a root message');
    await tx.messaging.setFollow(message.id, actor.user.id, following, nowIso());
  });
  return { root_message_id: messageId, following };
}
