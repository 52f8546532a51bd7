import type { Actor } from '../actor.js';
import type { Event, Message, ThreadState } from '@clickclack/protocol';
import { nowIso } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { ChannelRow } from '../../store/repos/channels.js';
import type { MessageRow, ThreadStateRow } from '../../store/repos/messages.js';
import type { UploadRow } from '../../store/repos/uploads.js';
import type { UserRow } from '../../store/repos/users.js';
import type { Repos } from '../../store/store.js';
import type { ServiceDeps } from '../context.js';
import { badRequest, conflict } from '../errors.js';
import { autoFollow, notifyFollowers } from '../threads/follows.js';
import { channelHandleMentions, dmHandleMentions, recordChannelMentions } from './mentions.js';
import {
  assertCanPost,
  assertDmHasRecipient,
  assertScope,
  assertUnrestricted,
  requireDm,
  requireReadableChannel,
  requireReadableMessage,
} from '../policies.js';
import { presentOne, presentThreadState, presentWritten } from '../present.js';
import { linkUpload } from '../uploads/uploads.js';
import * as v from '../validate.js';

const AGENT_KINDS = new Set(['agent_commentary', 'agent_tool']);
export const QUOTE_SNAPSHOT_CHARS = 280;
export const NONCE_REUSED = 'client nonce was already used for a different message';

/** Where a message goes: the root of a channel or DM, or a reply in a thread. */
export type PostPlace =
  | { kind: 'channel'; channelId: string }
  | { kind: 'dm'; dmId: string }
  | { kind: 'reply'; rootId: string };

/** What is posted; the fields of `CreateMessageBody` (a reply takes no kind, turn or upload). */
export interface PostRequest {
  body: string;
  nonce?: string;
  kind?: string;
  turn_id?: string;
  quoted_message_id?: string;
  upload_id?: string;
  /** A display name/avatar shown instead of the author's (webhooks that allow it). */
  override?: { username: string | null; iconUrl: string | null };
}

/** The outcome: created with the events written, or a replayed nonce (no events). */
export interface Posted {
  created: boolean;
  message: Message;
  /** Roots: `[message.created]`; replies: `[thread.reply_created, thread.state_updated]`. */
  events: Event[] | null;
  /** Replies only: the thread's state after the reply. */
  threadState?: ThreadState;
}

/** The place, loaded and access-checked inside the write transaction. */
interface Loaded {
  workspaceId: string;
  channelId: string | null;
  dmId: string | null;
  channel?: ChannelRow;
  root?: MessageRow;
  /** DMs: only these users may read the root's event. */
  recipients?: string[];
  /** Posting rules, checked after a nonce replay (a replay succeeds even if they changed). */
  assertCanPost(): void | Promise<void>;
}

interface Quote {
  quoted_message_id: string | null;
  quoted_author_id: string | null;
  quoted_body_snapshot: string | null;
}

/**
 * THE message write path: root posts, thread replies, DMs, webhook and slash command posts
 * all validate, decide and write here, in one transaction, as `actor` (an integration
 * posts as its bot user, with that bot's own access checks and scopes).
 */
export async function postMessage(
  deps: ServiceDeps,
  actor: Actor,
  place: PostPlace,
  req: PostRequest,
): Promise<Posted> {
  const reply = place.kind === 'reply';
  assertScope(
    actor,
    place.kind === 'channel' ? 'messages:write' : reply ? 'threads:write' : 'dms:write',
  );
  const text = v.messageBody(
    req.body,
    reply ? 'reply body is required' : 'message body is required',
  );
  const nonce = v.nonce(req.nonce);
  const kind = reply ? 'message' : (req.kind ?? 'message').trim() || 'message';
  const turnId = reply ? null : (req.turn_id ?? '').trim() || null;
  if (kind !== 'message' && !AGENT_KINDS.has(kind))
    throw badRequest(`unknown message kind "${kind}"`);
  if (kind === 'message' && turnId)
    throw badRequest('turn_id is only allowed on agent activity messages');
  if (kind !== 'message') assertScope(actor, 'agent_activity:write');
  const quotedId = (req.quoted_message_id ?? '').trim();
  const uploadId = reply ? '' : (req.upload_id ?? '').trim();

  const out = await deps.store.write(
    async (tx) => {
      const at = await load(tx, actor, place);
      const root = at.root;
      if (nonce !== '') {
        const prev = await tx.messages.byNonce(actor.user.id, nonce);
        if (prev) {
          const same =
            prev.body === text &&
            prev.channel_id === at.channelId &&
            prev.direct_conversation_id === at.dmId &&
            prev.parent_message_id === (root?.id ?? null) &&
            prev.kind === kind &&
            prev.turn_id === turnId &&
            prev.quoted_message_id === (quotedId || null);
          if (!same) throw conflict(NONCE_REUSED);
          const state = root ? await tx.messages.threadState(root.id) : undefined;
          return { replayed: prev, state };
        }
      }
      await assertUnrestricted(tx, at.workspaceId, actor.user.id);
      await at.assertCanPost();
      const quote = await resolveQuote(tx, quotedId, (m) =>
        root
          ? m.thread_root_id === root.id
          : m.channel_id === at.channelId &&
            m.direct_conversation_id === at.dmId &&
            m.parent_message_id === null,
      );
      const quoted = quote.quoted_author_id
        ? await tx.users.byId(quote.quoted_author_id)
        : undefined;
      const users: UserRow[] = quoted ? [actor.user, quoted] : [actor.user];
      const createdAt = nowIso();
      const id = newId('message');
      const row: MessageRow = {
        id,
        workspace_id: at.workspaceId,
        channel_id: at.channelId,
        direct_conversation_id: at.dmId,
        author_id: actor.user.id,
        parent_message_id: root?.id ?? null,
        thread_root_id: root?.id ?? id,
        channel_seq: root
          ? null
          : at.channelId
            ? await tx.channels.nextSeq(at.channelId)
            : await tx.dms.nextSeq(at.dmId as string),
        thread_seq: root ? await tx.messages.nextThreadSeq(root.id) : null,
        body: text,
        kind,
        turn_id: turnId,
        client_nonce: nonce,
        ...quote,
        created_at: createdAt,
        edited_at: null,
        deleted_at: null,
        override_username: req.override?.username ?? null,
        override_icon_url: req.override?.iconUrl ?? null,
      };
      await tx.messages.insert(row);
      const upload = uploadId
        ? await linkUpload(tx, actor, at.workspaceId, row.id, uploadId)
        : undefined;
      const attachments: UploadRow[] = upload ? [upload] : [];
      const mentioned = at.channel
        ? await channelHandleMentions(tx, text, actor.user.id, at.channel)
        : at.dmId
          ? await dmHandleMentions(tx, text, actor.user.id, at.dmId)
          : [];
      const written = root
        ? await writeReply(tx, actor, root, row, mentioned)
        : await writeRoot(tx, actor, at, row, mentioned);
      const mention = at.channel
        ? await recordChannelMentions(deps, tx, row, at.channel, mentioned)
        : undefined;
      if (mention) written.extra.push(mention);
      return { replayed: undefined, row, users, attachments, ...written };
      // An upload is linked by a row-at-a-time UPDATE that needs the message stored first.
    },
    {
      batched: uploadId === '',
      ...(nonce !== '' ? { nonce: { author: actor.user.id, nonce } } : {}),
    },
  );

  if (out.replayed) {
    return {
      created: false,
      message: await presentOne(deps.store.read, out.replayed),
      events: null,
      ...(place.kind === 'reply'
        ? { threadState: presentThreadState(out.state, place.rootId) }
        : {}),
    };
  }
  return {
    created: true,
    message: presentWritten(out.row, out.users, out.attachments),
    events: out.events,
    ...(out.state ? { threadState: presentThreadState(out.state, out.state.root_message_id) } : {}),
  };
}

/** Loads the place the caller posts to, with the access checks of each kind of place. */
async function load(tx: Repos, actor: Actor, place: PostPlace): Promise<Loaded> {
  switch (place.kind) {
    case 'channel': {
      const { channel } = await requireReadableChannel(tx, actor, place.channelId);
      return {
        workspaceId: channel.workspace_id,
        channelId: channel.id,
        dmId: null,
        channel,
        assertCanPost: () => assertCanPost(channel),
      };
    }
    case 'dm': {
      const dm = await requireDm(tx, actor, place.dmId);
      return {
        workspaceId: dm.workspace_id,
        channelId: null,
        dmId: dm.id,
        recipients: await tx.dms.memberIds(dm.id),
        assertCanPost: () => assertDmHasRecipient(tx, dm.id, dm.workspace_id, actor.user.id),
      };
    }
    case 'reply': {
      const { message: root, channel } = await requireReadableMessage(tx, actor, place.rootId);
      if (root.parent_message_id !== null)
        throw badRequest('nested thread replies are not supported');
      // A reply in a DM nobody else is left in fails even when it replays a nonce.
      if (root.direct_conversation_id) {
        assertScope(actor, 'dms:write');
        await assertDmHasRecipient(
          tx,
          root.direct_conversation_id,
          root.workspace_id,
          actor.user.id,
        );
      }
      return {
        workspaceId: root.workspace_id,
        channelId: root.channel_id,
        dmId: root.direct_conversation_id,
        root,
        ...(channel ? { channel } : {}),
        assertCanPost: () => (channel ? assertCanPost(channel) : undefined),
      };
    }
  }
}

interface Written {
  events: Event[];
  extra: Event[];
  state?: ThreadStateRow;
}

/** A root: the author has read it, its `message.created`, and a DM reopens for everyone. */
async function writeRoot(
  tx: Repos,
  actor: Actor,
  at: Loaded,
  row: MessageRow,
  mentioned: string[],
): Promise<Written> {
  const seq = row.channel_seq as number;
  if (at.channelId) await tx.messages.advanceRead(at.channelId, row.author_id, seq, row.created_at);
  else await tx.dms.setRead(at.dmId as string, row.author_id, seq, row.created_at);
  const event = await tx.events.append({
    type: 'message.created',
    workspace_id: at.workspaceId,
    channel_id: at.channelId,
    direct_conversation_id: at.dmId,
    seq,
    payload: {
      message_id: row.id,
      author_id: row.author_id,
      ...(row.kind !== 'message' ? { kind: row.kind } : {}),
      ...(row.turn_id ? { turn_id: row.turn_id } : {}),
      ...(row.client_nonce ? { nonce: row.client_nonce } : {}),
      ...(actor.correlationId ? { correlation_id: actor.correlationId } : {}),
      ...(at.dmId ? { direct_conversation_id: at.dmId } : {}),
    },
    ...(at.recipients ? { recipients: at.recipients } : {}),
    mentioned_user_ids: mentioned,
  });
  if (at.dmId) await tx.dms.unhide(at.dmId);
  // The author follows the thread from its first reply on, not before: most messages
  // never get one, and a row per message would be written for nothing.
  return { events: [event], extra: [] };
}

/** A reply: the thread's state, its two events, and the followers who hear of it. */
async function writeReply(
  tx: Repos,
  actor: Actor,
  root: MessageRow,
  row: MessageRow,
  mentioned: string[],
): Promise<Written> {
  const state = nextThreadState(
    await tx.messages.threadState(root.id),
    root.id,
    row.author_id,
    row.created_at,
  );
  await tx.messages.saveThreadState(state);
  const dm = root.direct_conversation_id
    ? { direct_conversation_id: root.direct_conversation_id }
    : {};
  const scope = {
    workspace_id: root.workspace_id,
    channel_id: root.channel_id,
    direct_conversation_id: root.direct_conversation_id,
  };
  const replyEvent = await tx.events.append({
    ...scope,
    mentioned_user_ids: mentioned,
    type: 'thread.reply_created',
    payload: {
      message_id: row.id,
      root_message_id: root.id,
      author_id: row.author_id,
      ...dm,
      ...(row.client_nonce ? { nonce: row.client_nonce } : {}),
      ...(actor.correlationId ? { correlation_id: actor.correlationId } : {}),
    },
  });
  const stateEvent = await tx.events.append({
    ...scope,
    type: 'thread.state_updated',
    payload: { root_message_id: root.id, reply_count: state.reply_count, ...dm },
  });
  await autoFollow(tx, root.id, [root.author_id, row.author_id]);
  const followed = await notifyFollowers(tx, root, row);
  return { events: [replyEvent, stateEvent], extra: followed ? [followed] : [], state };
}

/** Moves the newest replier to the front of the recent-author list (max 3, distinct). */
function nextThreadState(
  prev: ThreadStateRow | undefined,
  rootId: string,
  authorId: string,
  at: string,
): ThreadStateRow {
  const authors = prev ? (JSON.parse(prev.last_reply_author_ids_json) as string[]) : [];
  const recent = [authorId, ...authors.filter((a) => a !== authorId)].slice(0, 3);
  return {
    root_message_id: rootId,
    reply_count: (prev?.reply_count ?? 0) + 1,
    last_reply_at: at,
    last_reply_author_ids_json: JSON.stringify(recent),
  };
}

/** Resolves a quote target that `allowed` accepts, freezing a snapshot of its body. */
async function resolveQuote(
  tx: Repos,
  id: string,
  allowed: (m: MessageRow) => boolean,
): Promise<Quote> {
  if (id === '')
    return { quoted_message_id: null, quoted_author_id: null, quoted_body_snapshot: null };
  const target = await tx.messages.byId(id);
  if (!target || target.deleted_at || !allowed(target)) {
    throw badRequest('quoted message is not in this channel, conversation, or thread');
  }
  return {
    quoted_message_id: target.id,
    quoted_author_id: target.author_id,
    quoted_body_snapshot: [...target.body.trim()].slice(0, QUOTE_SNAPSHOT_CHARS).join(''),
  };
}
