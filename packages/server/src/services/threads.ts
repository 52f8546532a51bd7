import type {
  CreateReplyBody,
  Event,
  ReplyResponse,
  ThreadPage,
  ThreadPageQuery,
} from '@clickclack/protocol';
import { nowIso } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import type { MessageRow, ThreadStateRow } from '../store/repos/messages.js';
import type { Ctx, ServiceDeps } from './context.js';
import { badRequest, conflict } from './errors.js';
import { autoFollow, notifyFollowers } from './follows.js';
import { isReplay, NONCE_REUSED, resolveQuote, writtenAuthors } from './messages.js';
import { channelHandleMentions, dmHandleMentions, recordChannelMentions } from './mentions.js';
import { loadWindow, parseCursor, type Cursor } from './paging.js';
import {
  assertCanPost,
  assertDmHasRecipient,
  assertScope,
  assertUnrestricted,
  requireReadableMessage,
} from './policies.js';
import {
  presentMessages,
  presentOne,
  presentThreadState,
  presentWritten,
  withRouteId,
} from './present.js';
import * as v from './validate.js';

export async function getThread(
  deps: ServiceDeps,
  ctx: Ctx,
  rootId: string,
  query: ThreadPageQuery,
): Promise<ThreadPage> {
  assertScope(ctx.actor, 'threads:read');
  const db = deps.store.read;
  const { message: root } = await requireReadableMessage(db, ctx.actor, rootId);
  if (root.parent_message_id !== null) throw badRequest('thread root must be a root message');
  if (query.mode !== undefined)
    throw badRequest('invalid thread page request: use latest or a thread sequence cursor');
  let cursor: Cursor = parseCursor(query);
  if (query.latest !== undefined) {
    if (query.latest !== 'true' && query.latest !== 'false') {
      throw badRequest('invalid thread page request: latest must be true or false');
    }
    if (query.latest === 'true') {
      if (cursor.kind !== 'default')
        throw badRequest('invalid thread page request: latest cannot be combined with a cursor');
      cursor = { kind: 'latest' };
    }
  }
  const { rows, ...seqs } = await loadWindow(
    db,
    { kind: 'thread', rootId },
    cursor,
    query.limit,
    'earliest',
  );
  const [rootOut, replies, state] = await Promise.all([
    presentOne(db, root, ctx.actor.user.id).then((m) => withRouteId(db, m)),
    presentMessages(db, rows, { threadState: false, viewerId: ctx.actor.user.id }),
    db.messages.threadState(root.id),
  ]);
  return { root: rootOut, replies, thread_state: presentThreadState(state, root.id), ...seqs };
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

export async function createReply(
  deps: ServiceDeps,
  ctx: Ctx,
  rootId: string,
  body: CreateReplyBody,
): Promise<{ status: 200 | 201; response: ReplyResponse }> {
  const { actor } = ctx;
  assertScope(actor, 'threads:write');
  const text = v.messageBody(body.body, 'reply body is required');
  const nonce = v.nonce(body.nonce);
  const quotedId = (body.quoted_message_id ?? '').trim();

  const out = await deps.store.write(async (tx) => {
    const { message: root, channel } = await requireReadableMessage(tx, actor, rootId);
    if (root.parent_message_id !== null)
      throw badRequest('nested thread replies are not supported');
    if (root.direct_conversation_id) {
      assertScope(actor, 'dms:write');
      await assertDmHasRecipient(tx, root.direct_conversation_id, root.workspace_id, actor.user.id);
    }
    if (nonce !== '') {
      const prev = await tx.messages.byNonce(actor.user.id, nonce);
      if (prev) {
        const same = isReplay(prev, {
          body: text,
          channel_id: root.channel_id,
          direct_conversation_id: root.direct_conversation_id,
          parent_message_id: root.id,
          kind: 'message',
          quoted_message_id: quotedId,
        });
        if (!same) throw conflict(NONCE_REUSED);
        return {
          message: prev,
          state: await tx.messages.threadState(root.id),
          events: null,
          extra: [],
          users: [],
        };
      }
    }
    await assertUnrestricted(tx, root.workspace_id, actor.user.id);
    if (channel) assertCanPost(channel);
    const quote = await resolveQuote(tx, quotedId, (m) => m.thread_root_id === root.id);
    const users = await writtenAuthors(tx, actor.user, quote);
    const at = nowIso();
    const row: MessageRow = {
      id: newId('message'),
      workspace_id: root.workspace_id,
      channel_id: root.channel_id,
      direct_conversation_id: root.direct_conversation_id,
      author_id: actor.user.id,
      parent_message_id: root.id,
      thread_root_id: root.id,
      channel_seq: null,
      thread_seq: await tx.messages.nextThreadSeq(root.id),
      body: text,
      kind: 'message',
      turn_id: null,
      client_nonce: nonce,
      ...quote,
      created_at: at,
      edited_at: null,
      deleted_at: null,
      override_username: null,
      override_icon_url: null,
    };
    await tx.messages.insert(row);
    const state = nextThreadState(
      await tx.messages.threadState(root.id),
      root.id,
      actor.user.id,
      at,
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
    const dmId = root.direct_conversation_id;
    const mentioned = channel
      ? await channelHandleMentions(tx, text, actor.user.id, channel)
      : dmId
        ? await dmHandleMentions(tx, text, actor.user.id, dmId)
        : [];
    const replyEvent = await tx.events.append({
      ...scope,
      mentioned_user_ids: mentioned,
      type: 'thread.reply_created',
      payload: {
        message_id: row.id,
        root_message_id: root.id,
        author_id: actor.user.id,
        ...dm,
        ...(nonce ? { nonce } : {}),
        ...(ctx.correlationId ? { correlation_id: ctx.correlationId } : {}),
      },
    });
    const stateEvent = await tx.events.append({
      ...scope,
      type: 'thread.state_updated',
      payload: { root_message_id: root.id, reply_count: state.reply_count, ...dm },
    });
    await autoFollow(tx, root.id, [root.author_id, actor.user.id]);
    const followed = await notifyFollowers(tx, root, row);
    const mention = channel
      ? await recordChannelMentions(deps, tx, row, channel, mentioned)
      : undefined;
    return {
      message: row,
      state,
      events: [replyEvent, stateEvent],
      extra: [followed, mention].filter((e): e is Event => e !== undefined),
      users,
    };
  });
  const response: ReplyResponse = {
    message: out.events
      ? presentWritten(out.message, out.users, [])
      : await presentOne(deps.store.read, out.message),
    thread_state: presentThreadState(out.state, rootId),
    events: out.events,
  };
  if (!out.events) return { status: 200, response };
  return { status: 201, response };
}
