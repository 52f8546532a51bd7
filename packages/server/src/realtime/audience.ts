import type { Audience } from '../services/context.js';
import { canReceive, channelAudience, dmAudience } from '../services/policies.js';
import type { EventRow } from '../store/repos/events.js';
import type { Repos } from '../store/store.js';

/** The users of `recipients` who are also in `audience`. */
const narrow = (recipients: readonly string[], audience: Audience): Audience =>
  new Set(recipients.filter((id) => canReceive(audience, id)));

/** Calls `load` once per first argument; the rest must follow from it. */
function memo<A extends unknown[], T>(
  load: (key: string, ...rest: A) => Promise<T>,
): (key: string, ...rest: A) => Promise<T> {
  const cache = new Map<string, Promise<T>>();
  return (key, ...rest) => {
    let hit = cache.get(key);
    if (!hit) {
      hit = load(key, ...rest);
      cache.set(key, hit);
    }
    return hit;
  };
}

/**
 * Computes the audience of a batch of freshly committed events once, for every socket: the
 * readers of its channel or DM (services/policies.ts decides who they are), narrowed to the
 * recipients of a private event. Each workspace's guests, channel and DM is looked up once
 * per batch.
 */
export async function audiences(
  db: Repos,
  rows: readonly EventRow[],
): Promise<Map<string, Audience>> {
  const out = new Map<string, Audience>();
  const recipients = await db.events.recipients(
    rows.filter((r) => r.is_private === 1).map((r) => r.id),
  );
  const guests = memo((workspaceId: string) => db.workspaces.guestIds(workspaceId));
  const nonGuests = memo(async (workspaceId: string): Promise<Audience> => ({
    except: new Set(await guests(workspaceId)),
  }));
  const ofDm = memo(async (dmId: string, workspaceId: string) =>
    dmAudience(db, dmId, workspaceId, await guests(workspaceId)),
  );
  const ofChannel = memo(async (channelId: string): Promise<Audience> => {
    const channel = await db.channels.byId(channelId);
    if (!channel) return new Set<string>();
    return channelAudience(db, channel, await guests(channel.workspace_id));
  });
  for (const row of rows) {
    let audience: Audience = 'workspace';
    const dmId = row.direct_conversation_id;
    // A DM's private events were addressed to its members, whom DMs never lose: only the
    // rule that guests have no DMs is left to apply.
    if (dmId && row.is_private === 1) audience = await nonGuests(row.workspace_id);
    else if (dmId) audience = await ofDm(dmId, row.workspace_id);
    else if (row.channel_id) audience = await ofChannel(row.channel_id);
    if (row.is_private === 1) audience = narrow(recipients.get(row.id) ?? [], audience);
    out.set(row.id, audience);
  }
  return out;
}
