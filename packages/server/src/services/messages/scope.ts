import type { NewEvent } from '../../store/repos/events.js';
import type { MessageRow } from '../../store/repos/messages.js';
import type { Repos } from '../../store/store.js';

/**
 * Where an event about a message belongs: its channel (with the root's seq), or its DM,
 * in which case only the DM's members may ever read it.
 */
export async function messageEventScope(
  tx: Repos,
  message: MessageRow,
): Promise<
  Pick<NewEvent, 'workspace_id' | 'channel_id' | 'direct_conversation_id' | 'seq' | 'recipients'>
> {
  const dm = message.direct_conversation_id;
  return {
    workspace_id: message.workspace_id,
    channel_id: message.channel_id,
    direct_conversation_id: dm,
    ...(message.parent_message_id === null && message.channel_seq !== null
      ? { seq: message.channel_seq }
      : {}),
    ...(dm ? { recipients: await tx.dms.memberIds(dm) } : {}),
  };
}

/** Payload fields every message event carries (plus the DM id for DM messages). */
export const messageRef = (m: MessageRow): Record<string, unknown> => ({
  message_id: m.id,
  root_message_id: m.thread_root_id,
  ...(m.direct_conversation_id ? { direct_conversation_id: m.direct_conversation_id } : {}),
});
