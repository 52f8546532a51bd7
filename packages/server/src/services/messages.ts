import type {
  CreateMessageBody,
  Event,
  Message,
  MessageEventResponse,
  MessagePage,
  MessagePageQuery,
} from '@clickclack/protocol';
import { nowIso } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import type { MessageRow } from '../store/repos/messages.js';
import type { UserRow } from '../store/repos/users.js';
import type { Repos } from '../store/store.js';
import type { Ctx, ServiceDeps } from './context.js';
import { DomainError, badRequest, conflict } from './errors.js';
import { loadWindow, parseCursor } from './paging.js';
import {
  assertCanPost,
  assertScope,
  assertUnrestricted,
  requireMember,
  requireReadableChannel,
  requireReadableMessage,
} from './policies.js';
import { linkUpload } from './uploads.js';
import { channelHandleMentions, recordChannelMentions } from './mentions.js';
import { presentMessages, presentOne, presentWritten, withRouteId } from './present.js';
import * as v from './validate.js';

const AGENT_KINDS = new Set(['agent_commentary', 'agent_tool']);
export const QUOTE_SNAPSHOT_CHARS = 280;
export const NONCE_REUSED = 'client nonce was already used for a different message';

export async function listChannelMessages(
  deps: ServiceDeps,
  ctx: Ctx,
  channelId: string,
  query: MessagePageQuery,
): Promise<MessagePage> {
  assertScope(ctx.actor, 'messages:read');
  const db = deps.store.read;
  await requireReadableChannel(db, ctx.actor, channelId);
  let cursor = parseCursor(query);
  if (query.mode !== undefined) {
    if (query.mode !== 'latest')
      throw badRequest('invalid message page request: mode must be latest');
    if (cursor.kind !== 'default')
      throw badRequest('invalid message page request: mode cannot be combined with a cursor');
    cursor = { kind: 'latest' };
  }
  const win = await loadWindow(db, { kind: 'channel', channelId }, cursor, query.limit, 'latest');
  const { rows, ...seqs } = win;
  return {
    messages: await presentMessages(db, rows, { threadState: true, viewerId: ctx.actor.user.id }),
    ...seqs,
  };
}

export async function getMessage(deps: ServiceDeps, ctx: Ctx, messageId: string): Promise<Message> {
  assertScope(ctx.actor, 'messages:read');
  const db = deps.store.read;
  const { message } = await requireReadableMessage(db, ctx.actor, messageId);
  return withRouteId(db, await presentOne(db, message, ctx.actor.user.id));
}

/** The caller's own message carrying `nonce` in a workspace (clients recover lost acks). */
export async function messageByNonce(
  deps: ServiceDeps,
  ctx: Ctx,
  workspaceId: string,
  rawNonce: string,
): Promise<Message> {
  assertScope(ctx.actor, 'messages:read');
  const db = deps.store.read;
  await requireMember(db, ctx.actor, workspaceId);
  const n = v.nonce(rawNonce);
  const row = n === '' ? undefined : await db.messages.byNonce(ctx.actor.user.id, n);
  if (!row || row.workspace_id !== workspaceId) {
    throw new DomainError('not_found', 'message not found', {
      'X-ClickClack-Message-Nonce': 'supported',
    });
  }
  return presentOne(db, row, ctx.actor.user.id);
}

export interface Quote {
  quoted_message_id: string | null;
  quoted_author_id: string | null;
  quoted_body_snapshot: string | null;
}

/** Resolves a quote target that `allowed` accepts, freezing a snapshot of its body. */
export async function resolveQuote(
  tx: Repos,
  rawId: string | undefined,
  allowed: (m: MessageRow) => boolean,
): Promise<Quote> {
  const id = (rawId ?? '').trim();
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

/** Who a message just written is presented with: its author, and the quoted one if any. */
export async function writtenAuthors(tx: Repos, author: UserRow, quote: Quote): Promise<UserRow[]> {
  const quoted = quote.quoted_author_id ? await tx.users.byId(quote.quoted_author_id) : undefined;
  return quoted ? [author, quoted] : [author];
}

/** True when an earlier message with the same nonce is the same request replayed. */
export function isReplay(prev: MessageRow, next: Partial<MessageRow>): boolean {
  return (
    prev.body === next.body &&
    prev.channel_id === (next.channel_id ?? null) &&
    prev.direct_conversation_id === (next.direct_conversation_id ?? null) &&
    prev.parent_message_id === (next.parent_message_id ?? null) &&
    prev.kind === next.kind &&
    prev.turn_id === (next.turn_id ?? null) &&
    prev.quoted_message_id === ((next.quoted_message_id ?? '') || null)
  );
}

/** What posting a root message needs to know about where it goes. */
export interface RootTarget {
  workspaceId: string;
  channelId: string | null;
  dmId: string | null;
  /** Posting rules, checked after a nonce replay (a replay succeeds even if they changed). */
  assertCanPost(): void | Promise<void>;
  nextSeq(): Promise<number>;
  /** The author's own message never counts as unread. */
  markAuthorRead(seq: number, at: string): Promise<void>;
  /** Set for DMs: only these users may read the events. */
  recipients?: readonly string[];
  /** The users the body's @handle mentions resolve to (the event's `mentioned_user_ids`). */
  mentioned(body: string): Promise<string[]>;
  /** Extra events in the same transaction (mentions, …). */
  after(row: MessageRow, mentioned: readonly string[]): Promise<Event[]>;
  /** A display name/avatar shown instead of the author's (webhooks that allow it). */
  override?: { username: string | null; iconUrl: string | null };
}

/**
 * Posts a root message to a channel or DM: validate, then in ONE transaction replay a
 * known nonce or insert the message with the next seq, its thread state and its event.
 */
export async function postRootMessage(
  deps: ServiceDeps,
  ctx: Ctx,
  body: CreateMessageBody,
  load: (tx: Repos) => Promise<RootTarget>,
): Promise<{ status: 200 | 201; response: MessageEventResponse }> {
  const { actor } = ctx;
  const text = v.messageBody(body.body, 'message body is required');
  const nonce = v.nonce(body.nonce);
  const kind = (body.kind ?? 'message').trim() || 'message';
  const turnId = (body.turn_id ?? '').trim() || null;
  if (kind !== 'message' && !AGENT_KINDS.has(kind))
    throw badRequest(`unknown message kind "${kind}"`);
  if (kind === 'message' && turnId)
    throw badRequest('turn_id is only allowed on agent activity messages');
  if (kind !== 'message') assertScope(actor, 'agent_activity:write');
  const quotedId = (body.quoted_message_id ?? '').trim();

  const out = await deps.store.write(async (tx) => {
    const target = await load(tx);
    const where = { channel_id: target.channelId, direct_conversation_id: target.dmId };
    if (nonce !== '') {
      const prev = await tx.messages.byNonce(actor.user.id, nonce);
      if (prev) {
        if (
          !isReplay(prev, {
            body: text,
            ...where,
            kind,
            turn_id: turnId,
            quoted_message_id: quotedId,
          })
        ) {
          throw conflict(NONCE_REUSED);
        }
        return { message: prev, event: undefined, extra: [], users: [], attachments: [] };
      }
    }
    await assertUnrestricted(tx, target.workspaceId, actor.user.id);
    await target.assertCanPost();
    const quote = await resolveQuote(
      tx,
      quotedId,
      (m) =>
        m.channel_id === target.channelId &&
        m.direct_conversation_id === target.dmId &&
        m.parent_message_id === null,
    );
    const users = await writtenAuthors(tx, actor.user, quote);
    const seq = await target.nextSeq();
    const at = nowIso();
    const id = newId('message');
    const row: MessageRow = {
      id,
      workspace_id: target.workspaceId,
      ...where,
      author_id: actor.user.id,
      parent_message_id: null,
      thread_root_id: id,
      channel_seq: seq,
      thread_seq: null,
      body: text,
      kind,
      turn_id: turnId,
      client_nonce: nonce,
      ...quote,
      created_at: at,
      edited_at: null,
      deleted_at: null,
      override_username: target.override?.username ?? null,
      override_icon_url: target.override?.iconUrl ?? null,
    };
    await tx.messages.insert(row);
    const upload = body.upload_id?.trim()
      ? await linkUpload(tx, actor, target.workspaceId, row.id, body.upload_id.trim())
      : undefined;
    await target.markAuthorRead(seq, at);
    const mentioned = await target.mentioned(text);
    const event = await tx.events.append({
      type: 'message.created',
      workspace_id: target.workspaceId,
      ...where,
      seq,
      payload: {
        ...messageCreatedPayload(row, ctx.correlationId),
        ...(target.dmId ? { direct_conversation_id: target.dmId } : {}),
      },
      ...(target.recipients ? { recipients: target.recipients } : {}),
      mentioned_user_ids: mentioned,
    });
    // The author follows the thread from its first reply on (createReply), not before:
    // most messages never get one, and a row per message would be written for nothing.
    return {
      message: row,
      event,
      extra: await target.after(row, mentioned),
      users,
      attachments: upload ? [upload] : [],
    };
  });
  if (!out.event)
    return { status: 200, response: { message: await presentOne(deps.store.read, out.message) } };
  const message = presentWritten(out.message, out.users, out.attachments);
  return { status: 201, response: { message, event: out.event } };
}

export async function createChannelMessage(
  deps: ServiceDeps,
  ctx: Ctx,
  channelId: string,
  body: CreateMessageBody,
  override?: RootTarget['override'],
): Promise<{ status: 200 | 201; response: MessageEventResponse }> {
  assertScope(ctx.actor, 'messages:write');
  return postRootMessage(deps, ctx, body, async (tx) => {
    const { channel } = await requireReadableChannel(tx, ctx.actor, channelId);
    return {
      workspaceId: channel.workspace_id,
      channelId: channel.id,
      dmId: null,
      assertCanPost: () => assertCanPost(channel),
      nextSeq: () => tx.channels.nextSeq(channel.id),
      markAuthorRead: (seq, at) => tx.messages.advanceRead(channel.id, ctx.actor.user.id, seq, at),
      override,
      mentioned: (text) => channelHandleMentions(tx, text, ctx.actor.user.id, channel),
      after: async (row, mentioned) => {
        const mention = await recordChannelMentions(deps, tx, row, channel, mentioned);
        return mention ? [mention] : [];
      },
    };
  });
}

function messageCreatedPayload(
  row: MessageRow,
  correlationId: string | undefined,
): Event['payload'] {
  return {
    message_id: row.id,
    author_id: row.author_id,
    ...(row.kind !== 'message' ? { kind: row.kind } : {}),
    ...(row.turn_id ? { turn_id: row.turn_id } : {}),
    ...(row.client_nonce ? { nonce: row.client_nonce } : {}),
    ...(correlationId ? { correlation_id: correlationId } : {}),
  };
}
