import type { Audience } from '../services/context.js';
import { canReceive, channelAudience, dmAudience } from '../services/policies.js';
import type { EventRow } from '../store/repos/events.js';
import type { Repos } from '../store/store.js';

/** The users of `recipients` who are also in `audience`. */
const narrow = (recipients: readonly string[], audience: Audience): Audience =>
  new Set(recipients.filter((id) => canReceive(audience, id)));

/**
 * Computes the audience of a batch of freshly committed events once, for every socket: the
 * readers of its channel or DM (services/policies.ts decides who they are), narrowed to the
 * recipients of a private event.
 */
export async function audiences(
  db: Repos,
  rows: readonly EventRow[],
): Promise<Map<string, Audience>> {
  const out = new Map<string, Audience>();
  const recipients = await db.events.recipients(
    rows.filter((r) => r.is_private === 1).map((r) => r.id),
  );
  const channelCache = new Map<string, Audience>();
  const dmCache = new Map<string, Audience>();
  for (const row of rows) {
    let audience: Audience = 'workspace';
    if (row.direct_conversation_id) {
      const id = row.direct_conversation_id;
      audience = dmCache.get(id) ?? (await dmAudience(db, id, row.workspace_id));
      dmCache.set(id, audience);
    } else if (row.channel_id) {
      const id = row.channel_id;
      let cached = channelCache.get(id);
      if (!cached) {
        const channel = await db.channels.byId(id);
        cached = channel ? await channelAudience(db, channel) : new Set<string>();
        channelCache.set(id, cached);
      }
      audience = cached;
    }
    if (row.is_private === 1) audience = narrow(recipients.get(row.id) ?? [], audience);
    out.set(row.id, audience);
  }
  return out;
}
