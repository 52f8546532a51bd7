import type { EventRow } from '../store/repos/events.js';
import type { Repos } from '../store/store.js';

/** Who may receive an event: every member of its workspace, or exactly these users. */
export type Audience = 'workspace' | ReadonlySet<string>;

export const canReceive = (audience: Audience, userId: string): boolean =>
  audience === 'workspace' || audience.has(userId);

/**
 * Computes the audience of a batch of freshly committed events once, for every socket:
 * recipients for private events, members for private channels and DMs.
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
    if (row.is_private === 1) {
      audience = new Set(recipients.get(row.id) ?? []);
    } else if (row.direct_conversation_id) {
      const id = row.direct_conversation_id;
      audience = dmCache.get(id) ?? new Set(await db.dms.memberIds(id));
      dmCache.set(id, audience);
    } else if (row.channel_id) {
      const id = row.channel_id;
      let cached = channelCache.get(id);
      if (!cached) {
        const channel = await db.channels.byId(id);
        cached = !channel
          ? new Set<string>()
          : channel.kind === 'public'
            ? 'workspace'
            : new Set(await db.channels.memberIds(id));
        channelCache.set(id, cached);
      }
      audience = cached;
    }
    out.set(row.id, audience);
  }
  return out;
}
