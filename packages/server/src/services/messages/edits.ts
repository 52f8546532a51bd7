import {
  ZERO_EVENT,
  type MessageMutationResponse,
  type UpdateMessageBody,
} from '@clickclack/protocol';
import { nowIso } from '../../lib/clock.js';
import type { Actor } from '../actor.js';
import type { MessageRow } from '../../store/repos/messages.js';
import type { Repos } from '../../store/store.js';
import type { ServiceDeps } from '../context.js';
import { badRequest, forbidden } from '../errors.js';
import { messageEventScope, messageRef } from './scope.js';
import { unpin } from '../pins/pins.js';
import { assertScope, assertUnrestricted, requireReadableMessage } from '../policies.js';
import { presentOne } from '../present.js';
import * as v from '../validate.js';

/** Recomputes a thread's counters from its live replies, so they are always exact. */
export async function refreshThreadState(tx: Repos, rootId: string): Promise<void> {
  const stats = await tx.messages.liveReplyStats(rootId);
  await tx.messages.saveThreadState({
    root_message_id: rootId,
    reply_count: stats.count,
    last_reply_at: stats.lastAt,
    last_reply_author_ids_json: JSON.stringify(stats.recent),
  });
}

/** Only the author edits; nobody edits a deleted message. */
export async function updateMessage(
  deps: ServiceDeps,
  actor: Actor,
  messageId: string,
  body: UpdateMessageBody,
): Promise<MessageMutationResponse> {
  assertScope(actor, 'messages:write');
  const text = v.messageBody(body.body, 'message body is required');
  const res = await deps.store.write(async (tx) => {
    const { message } = await requireReadableMessage(tx, actor, messageId);
    if (message.direct_conversation_id) assertScope(actor, 'dms:write');
    if (message.author_id !== actor.user.id) throw forbidden('only the author can edit a message');
    await assertUnrestricted(tx, message.workspace_id, actor.user.id);
    if (message.deleted_at) throw badRequest('deleted messages cannot be edited');
    const edited: MessageRow = { ...message, body: text, edited_at: nowIso() };
    await tx.messages.update(message.id, { body: edited.body, edited_at: edited.edited_at });
    const event = await tx.events.append({
      ...(await messageEventScope(tx, edited)),
      type: 'message.updated',
      payload: messageRef(edited),
    });
    return { message: edited, event };
  });
  return {
    message: await presentOne(deps.store.read, res.message, actor.user.id),
    event: res.event,
  };
}

/**
 * Soft delete: the text is really gone from storage, the row and its seq stay. The author
 * may always delete; a workspace owner or moderator may delete channel messages.
 */
export async function deleteMessage(
  deps: ServiceDeps,
  actor: Actor,
  messageId: string,
): Promise<MessageMutationResponse> {
  assertScope(actor, 'messages:write');
  const res = await deps.store.write(async (tx) => {
    const { message, channel } = await requireReadableMessage(tx, actor, messageId);
    if (message.direct_conversation_id) assertScope(actor, 'dms:write');
    await assertUnrestricted(tx, message.workspace_id, actor.user.id);
    if (message.author_id !== actor.user.id) {
      const role = await tx.workspaces.role(message.workspace_id, actor.user.id);
      const moderates = channel !== undefined && (role === 'owner' || role === 'moderator');
      if (!moderates) throw forbidden('message is not writable');
    }
    if (message.deleted_at) return { message, event: undefined, unpinned: undefined };
    const deleted: MessageRow = { ...message, body: '', deleted_at: nowIso() };
    await tx.messages.update(message.id, { body: '', deleted_at: deleted.deleted_at });
    const unpinned = channel ? await unpin(tx, channel, message, actor.user.id) : undefined;
    await tx.uploads.detachAll(message.id);
    if (message.parent_message_id) await refreshThreadState(tx, message.parent_message_id);
    const event = await tx.events.append({
      ...(await messageEventScope(tx, deleted)),
      type: 'message.deleted',
      payload: { ...messageRef(deleted), deleted_by: actor.user.id },
    });
    return { message: deleted, event, unpinned };
  });
  return {
    message: await presentOne(deps.store.read, res.message, actor.user.id),
    event: res.event ?? ZERO_EVENT,
  };
}
