import type { Event, MentionsQuery, MentionsResponse } from '@clickclack/protocol';
import { nowIso } from '../../lib/clock.js';
import type { ChannelRow } from '../../store/repos/channels.js';
import type { MessageRow } from '../../store/repos/messages.js';
import type { MentionRow } from '../../store/repos/messaging.js';
import type { Repos } from '../../store/store.js';
import type { Actor } from '../actor.js';
import type { ServiceDeps } from '../context.js';
import { badRequest } from '../errors.js';
import { assertScope, canReadChannel, canReceive, channelAudience } from '../policies.js';
import { presentMessages } from '../present.js';

export interface ParsedMentions {
  handles: Set<string>;
  channel: boolean;
  here: boolean;
}

/**
 * `@handle`, `@channel`/`@everyone` and `@here` in a Markdown body, ignoring code blocks,
 * inline code, URLs and link targets, where an @ is not a mention.
 */
export function parseMentions(body: string): ParsedMentions {
  const text = body
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/`[^`\n]*`/g, ' ')
    .replace(/\[[^\]]*\]\([^)]*\)/g, ' ')
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, ' ')
    .replace(/\bmailto:\S+/gi, ' ');
  const out: ParsedMentions = { handles: new Set(), channel: false, here: false };
  for (const m of text.matchAll(/(^|[^\w@./])@([a-z0-9][a-z0-9_-]{1,31})\b/gi)) {
    const name = (m[2] as string).toLowerCase();
    if (name === 'channel' || name === 'everyone') out.channel = true;
    else if (name === 'here') out.here = true;
    else out.handles.add(name);
  }
  return out;
}

/** Everyone who can read a channel right now (workspace members; members only if private). */
async function channelReaders(tx: Repos, channel: ChannelRow): Promise<string[]> {
  const audience = await channelAudience(tx, channel);
  if (audience instanceof Set) return [...(audience as ReadonlySet<string>)];
  return (await tx.workspaces.memberIds(channel.workspace_id)).filter((id) =>
    canReceive(audience, id),
  );
}

/**
 * The users a body's @handle mentions resolve to, sorted: users with that handle whom
 * `canRead` admits, never the author. This is an event's `mentioned_user_ids`, by which a
 * mention-gated bot decides whether it was addressed, so `@channel`/`@here` are left out:
 * they address everyone, and a bot that answered them would answer every broadcast.
 */
export async function resolveHandleMentions(
  tx: Repos,
  body: string,
  authorId: string,
  canRead: (userId: string) => Promise<boolean>,
): Promise<string[]> {
  const out: string[] = [];
  for (const handle of parseMentions(body).handles) {
    const user = await tx.users.byHandle(handle);
    if (!user || user.id === authorId || out.includes(user.id)) continue;
    if (await canRead(user.id)) out.push(user.id);
  }
  return out.sort();
}

/** `resolveHandleMentions` for a channel: members of its workspace who can read it. */
export function channelHandleMentions(
  tx: Repos,
  body: string,
  authorId: string,
  channel: ChannelRow,
): Promise<string[]> {
  return resolveHandleMentions(
    tx,
    body,
    authorId,
    async (id) =>
      (await tx.workspaces.role(channel.workspace_id, id)) !== undefined &&
      canReadChannel(tx, id, channel),
  );
}

/** `resolveHandleMentions` for a DM: only its members are addressed. */
export function dmHandleMentions(
  tx: Repos,
  body: string,
  authorId: string,
  dmId: string,
): Promise<string[]> {
  return resolveHandleMentions(tx, body, authorId, (id) => tx.dms.isMember(dmId, id));
}

/**
 * Records the mentions of a new channel message (root or reply): `mentioned`, its resolved
 * @handle mentions (channelHandleMentions), plus whoever @channel/@here reach. Returns the
 * one private `mention.created` event for the mentioned readers, or undefined.
 */
export async function recordChannelMentions(
  deps: ServiceDeps,
  tx: Repos,
  message: MessageRow,
  channel: ChannelRow,
  mentioned: readonly string[],
): Promise<Event | undefined> {
  const parsed = parseMentions(message.body);
  if (mentioned.length === 0 && !parsed.channel && !parsed.here) return undefined;
  const kinds = new Map<string, MentionRow['kind']>();
  if (parsed.channel || parsed.here) {
    const readers = await channelReaders(tx, channel);
    const online = new Set(deps.realtime.presentUsers(channel.workspace_id));
    for (const id of readers)
      if (parsed.channel || online.has(id)) kinds.set(id, parsed.channel ? 'channel' : 'here');
  }
  for (const id of mentioned) kinds.set(id, 'user');
  kinds.delete(message.author_id);
  if (kinds.size === 0) return undefined;
  const seq = message.channel_seq ?? 0;
  const at = nowIso();
  await tx.messaging.insertMentions(
    [...kinds].map(([user_id, kind]) => ({
      message_id: message.id,
      user_id,
      workspace_id: message.workspace_id,
      channel_id: channel.id,
      direct_conversation_id: null,
      seq,
      kind,
      created_at: at,
    })),
  );
  // Only root messages count toward a channel's unread-mention badge (replies never move it).
  if (message.parent_message_id === null)
    await tx.messaging.bumpMentionCounts(channel.id, [...kinds.keys()], at);
  return tx.events.append({
    type: 'mention.created',
    workspace_id: message.workspace_id,
    channel_id: channel.id,
    ...(message.channel_seq !== null ? { seq: message.channel_seq } : {}),
    payload: {
      message_id: message.id,
      root_message_id: message.thread_root_id,
      author_id: message.author_id,
      mentioned_user_ids: [...kinds.keys()].sort(),
    },
    recipients: [...kinds.keys()],
  });
}

export async function listMentions(
  deps: ServiceDeps,
  actor: Actor,
  query: MentionsQuery,
): Promise<MentionsResponse> {
  assertScope(actor, 'messages:read');
  const db = deps.store.read;
  const raw = Number(query.limit ?? '50');
  const limit = Number.isInteger(raw) && raw >= 1 ? Math.min(raw, 100) : 50;
  if (query.before !== undefined && Number.isNaN(Date.parse(query.before)))
    throw badRequest('before must be a timestamp');
  const rows = await db.messaging.mentionsOf(
    actor.user.id,
    query.workspace_id,
    limit + 1,
    query.before,
  );
  const page = rows.slice(0, limit);
  // Access is re-checked at read time: a mention in a channel you left stays hidden.
  const messages = await db.messages.byIds(page.map((r) => r.message_id));
  const visible: MessageRow[] = [];
  for (const m of messages) {
    const channel = m.channel_id ? await db.channels.byId(m.channel_id) : undefined;
    if (
      channel &&
      (await db.workspaces.role(channel.workspace_id, actor.user.id)) &&
      (await canReadChannel(db, actor.user.id, channel))
    ) {
      visible.push(m);
    } else if (
      m.direct_conversation_id &&
      (await db.dms.isMember(m.direct_conversation_id, actor.user.id))
    ) {
      visible.push(m);
    }
  }
  const presented = new Map(
    (await presentMessages(db, visible, { threadState: false, viewerId: actor.user.id })).map(
      (m) => [m.id, m],
    ),
  );
  return {
    mentions: page.flatMap((r) => {
      const message = presented.get(r.message_id);
      return message ? [{ message, kind: r.kind, created_at: r.created_at }] : [];
    }),
    next_before: rows.length > limit ? (page[page.length - 1]?.created_at ?? null) : null,
  };
}
