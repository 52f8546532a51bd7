import type { Actor } from '../actor.js';
import type {
  CreateReplyBody,
  ReplyResponse,
  ThreadPage,
  ThreadPageQuery,
} from '@clickclack/protocol';
import type { Outcome, ServiceDeps } from '../context.js';
import { badRequest } from '../errors.js';
import { loadWindow, parseCursor, type Cursor } from '../paging.js';
import { assertScope, requireReadableMessage } from '../policies.js';
import { postMessage } from '../messages/post.js';
import { presentMessages, presentOne, presentThreadState, withRouteId } from '../present.js';

export async function getThread(
  deps: ServiceDeps,
  actor: Actor,
  rootId: string,
  query: ThreadPageQuery,
): Promise<ThreadPage> {
  assertScope(actor, 'threads:read');
  const db = deps.store.read;
  const { message: root } = await requireReadableMessage(db, actor, rootId);
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
    presentOne(db, root, actor.user.id).then((m) => withRouteId(db, m)),
    presentMessages(db, rows, { threadState: false, viewerId: actor.user.id }),
    db.messages.threadState(root.id),
  ]);
  return { root: rootOut, replies, thread_state: presentThreadState(state, root.id), ...seqs };
}

/** Posts a reply in a thread (messages/post.ts is the one write path). */
export async function createReply(
  deps: ServiceDeps,
  actor: Actor,
  rootId: string,
  body: CreateReplyBody,
): Promise<Outcome<ReplyResponse>> {
  const posted = await postMessage(deps, actor, { kind: 'reply', rootId }, body);
  return {
    created: posted.created,
    response: {
      message: posted.message,
      thread_state: posted.threadState ?? presentThreadState(undefined, rootId),
      events: posted.events,
    },
  };
}
