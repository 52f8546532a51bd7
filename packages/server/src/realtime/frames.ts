import { newEphemeralId } from '../lib/ids.js';
import type { EventRow } from '../store/repos/events.js';

const q = JSON.stringify;

/**
 * The wire frame of a durable event, built from the stored row without re-parsing the
 * payload: key order and omission rules are those of the event envelope.
 */
export function frameFromRow(row: EventRow): string {
  return (
    `{"id":${q(row.id)},"cursor":${q(row.cursor)},"type":${q(row.type)},` +
    `"workspace_id":${q(row.workspace_id)}` +
    (row.channel_id ? `,"channel_id":${q(row.channel_id)}` : '') +
    (row.seq !== null ? `,"seq":${row.seq}` : '') +
    `,"created_at":${q(row.created_at)},"payload":${row.payload_json}` +
    (row.mentioned_user_ids ? `,"mentioned_user_ids":${row.mentioned_user_ids}}` : '}')
  );
}

/** The ephemeral frame of a user coming online (their first socket) or going offline. */
export function presenceFrame(workspaceId: string, userId: string, online: boolean): string {
  const now = new Date();
  return q({
    id: newEphemeralId(now),
    cursor: '',
    type: 'presence.changed',
    workspace_id: workspaceId,
    created_at: now.toISOString(),
    payload: { user_id: userId, status: online ? 'online' : 'offline' },
  });
}
