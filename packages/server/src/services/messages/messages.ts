import type { Actor } from '../actor.js';
import type {
  CreateMessageBody,
  Message,
  MessageEventResponse,
  MessagePage,
  MessagePageQuery,
} from '@clickclack/protocol';
import type { Outcome, ServiceDeps } from '../context.js';
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
  actor: Actor,
  channelId: string,
  query: MessagePageQuery,
): Promise<MessagePage> {
  assertScope(actor, 'messages:read');
  const db = deps.store.read;
  await requireReadableChannel(db, actor, channelId);
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
    messages: await presentMessages(db, rows, { threadState: true, viewerId: actor.user.id }),
    ...seqs,
  };
}

export async function getMessage(
  deps: ServiceDeps,
  actor: Actor,
  messageId: string,
): Promise<Message> {
  assertScope(actor, 'messages:read');
  const db = deps.store.read;
  const { message } = await requireReadableMessage(db, actor, messageId);
  return withRouteId(db, await presentOne(db, message, actor.user.id));
}

/** The caller's own message carrying `nonce` in a workspace (clients recover lost acks). */
export async function messageByNonce(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
  rawNonce: string,
): Promise<Message> {
  assertScope(actor, 'messages:read');
  const db = deps.store.read;
  await requireMember(db, actor, workspaceId);
  const n = v.nonce(rawNonce);
  const row = n === '' ? undefined : await db.messages.byNonce(actor.user.id, n);
  if (!row || row.workspace_id !== workspaceId) {
    throw new DomainError('not_found', 'message not found', {
      'X-ClickClack-Message-Nonce': 'supported',
    });
  }
  return presentOne(db, row, actor.user.id);
}

/** Posts a root message to a channel (messages/post.ts is the one write path). */
export async function createChannelMessage(
  deps: ServiceDeps,
  actor: Actor,
  channelId: string,
  body: CreateMessageBody,
  override?: PostRequest['override'],
): Promise<Outcome<MessageEventResponse>> {
  const posted = await postMessage(
    deps,
    actor,
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
