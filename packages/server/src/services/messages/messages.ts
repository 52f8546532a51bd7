import type {
  CreateMessageBody,
  Message,
  MessageEventResponse,
  MessagePage,
  MessagePageQuery,
} from '@clickclack/protocol';
import type { Ctx, Outcome, ServiceDeps } from '../context.js';
import { DomainError, badRequest } from '../errors.js';
import { loadWindow, parseCursor } from '../paging.js';
import {
  assertScope,
  requireMember,
  requireReadableChannel,
  requireReadableMessage,
} from '../policies.js';
import { postMessage, type Posted, type PostRequest } from './post.js';
import { presentMessages, presentOne, withRouteId } from '../present.js';
import * as v from '../validate.js';

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

/** Posts a root message to a channel (messages/post.ts is the one write path). */
export async function createChannelMessage(
  deps: ServiceDeps,
  ctx: Ctx,
  channelId: string,
  body: CreateMessageBody,
  override?: PostRequest['override'],
): Promise<Outcome<MessageEventResponse>> {
  const posted = await postMessage(
    deps,
    ctx,
    { kind: 'channel', channelId },
    { ...body, override },
  );
  return rootResponse(posted);
}

/** A posted root as the API answers it: the message, and its event unless replayed. */
export function rootResponse(posted: Posted): Outcome<MessageEventResponse> {
  const event = posted.events?.[0];
  return {
    created: posted.created,
    response: event ? { message: posted.message, event } : { message: posted.message },
  };
}
