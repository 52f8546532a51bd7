import { createHash } from 'node:crypto';
import {
  MAX_DM_MEMBERS,
  type CreateDmBody,
  type CreateMessageBody,
  type DirectConversation,
  type DmResponse,
  type MessageEventResponse,
  type MessagePage,
  type MessagePageQuery,
  type ReadBody,
  type UnreadBody,
  type ReceiptResponse,
} from '@clickclack/protocol';
import { nowIso } from '../../lib/clock.js';
import { newId, newRouteId } from '../../lib/ids.js';
import type { DmRow } from '../../store/repos/dms.js';
import type { Repos } from '../../store/store.js';
import type { Actor } from '../actor.js';
import type { Outcome, ServiceDeps } from '../context.js';
import { badRequest, forbidden } from '../errors.js';
import { rootResponse } from '../messages/messages.js';
import { loadWindow, parseCursor } from '../paging.js';
import { postMessage } from '../messages/post.js';
import { assertScope, assertUnrestricted, requireDm, requireMember } from '../policies.js';
import { presentMessages, presentUser } from '../present.js';
import { readUpTo, unreadFrom, type PointerMove } from '../channels/reads.js';

/** 1:1 conversations are unique per workspace: the key of the sorted, length-prefixed pair. */
export function memberSetKey(a: string, b: string): string {
  const h = createHash('sha256');
  for (const id of [a, b].sort()) {
    const len = Buffer.alloc(8);
    len.writeBigUInt64BE(BigInt(Buffer.byteLength(id)));
    h.update(len).update(id);
  }
  return h.digest('hex');
}

async function present(
  tx: Repos,
  dm: DmRow,
  viewerId: string,
  memberIds?: string[],
): Promise<DirectConversation> {
  const ids = memberIds ?? (await tx.dms.memberIds(dm.id));
  const users = (await tx.users.byIds(ids)).sort(
    (a, b) => a.display_name.localeCompare(b.display_name) || a.id.localeCompare(b.id),
  );
  let canSend = false;
  for (const u of users) {
    if (u.id !== viewerId && !u.deleted_at && (await tx.workspaces.role(dm.workspace_id, u.id)))
      canSend = true;
  }
  const lastRead = await tx.dms.readPointer(dm.id, viewerId);
  return {
    id: dm.id,
    route_id: dm.route_id,
    workspace_id: dm.workspace_id,
    created_at: dm.created_at,
    members: users.map(presentUser),
    last_seq: dm.last_seq,
    last_read_seq: lastRead,
    unread_count: Math.max(0, dm.last_seq - lastRead),
    mention_count: Math.max(0, dm.last_seq - lastRead),
    can_send: canSend,
  };
}

/** Opens a DM; an existing 1:1 with the same person is returned (and reopened) instead. */
export async function createDm(
  deps: ServiceDeps,
  actor: Actor,
  body: CreateDmBody,
): Promise<DmResponse> {
  assertScope(actor, 'dms:write');
  const workspaceId = body.workspace_id.trim();
  const ids = [
    ...new Set([actor.user.id, ...body.member_ids.map((m) => m.trim()).filter((m) => m !== '')]),
  ];
  if (ids.length < 2) throw badRequest('direct conversation needs at least two members');
  if (ids.length > MAX_DM_MEMBERS) throw badRequest('direct conversation has too many members');
  const res = await deps.store.write(async (tx) => {
    const role = await requireMember(tx, actor, workspaceId);
    if (role === 'guest') throw forbidden('moderation restriction');
    await assertUnrestricted(tx, workspaceId, actor.user.id);
    for (const id of ids) {
      const r = await tx.workspaces.role(workspaceId, id);
      if (!r) throw badRequest(`user ${id} is not a member of this workspace`);
      if (r === 'guest')
        throw forbidden('moderation restriction: guests cannot use direct messages');
    }
    const key = ids.length === 2 ? memberSetKey(ids[0] as string, ids[1] as string) : null;
    const existing = key ? await tx.dms.byMemberSet(workspaceId, key) : undefined;
    if (existing) {
      await tx.dms.unhide(existing.id, actor.user.id);
      return { dm: existing, event: undefined };
    }
    const dm: DmRow = {
      id: newId('directConversation'),
      route_id: newRouteId('D'),
      workspace_id: workspaceId,
      member_set_key: key,
      created_at: nowIso(),
      last_seq: 0,
    };
    await tx.dms.insert(dm, ids);
    const event = await tx.events.append({
      type: 'dm.created',
      workspace_id: workspaceId,
      direct_conversation_id: dm.id,
      payload: { direct_conversation_id: dm.id, created_by: actor.user.id, member_ids: ids },
      recipients: ids,
    });
    return { dm, event };
  });
  const conversation = await present(deps.store.read, res.dm, actor.user.id);
  return { conversation, ...(res.event ? { event: res.event } : {}) };
}

export async function listDms(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
): Promise<DirectConversation[]> {
  assertScope(actor, 'dms:read');
  const db = deps.store.read;
  const role = await requireMember(db, actor, workspaceId);
  if (role === 'guest') return [];
  const rows = await db.dms.listFor(workspaceId, actor.user.id);
  const members = await db.dms.membersOf(rows.map((r) => r.id));
  return Promise.all(rows.map((r) => present(db, r, actor.user.id, members.get(r.id))));
}

export async function getDm(
  deps: ServiceDeps,
  actor: Actor,
  id: string,
): Promise<DirectConversation> {
  const db = deps.store.read;
  return present(db, await requireDm(db, actor, id), actor.user.id);
}

export async function setDmOpen(
  deps: ServiceDeps,
  actor: Actor,
  id: string,
  open: boolean,
): Promise<DirectConversation> {
  if (actor.kind === 'bot')
    throw forbidden(`bot tokens cannot ${open ? 'reopen' : 'close'} direct conversations`);
  const dm = await deps.store.write(async (tx) => {
    const row = await requireDm(tx, actor, id);
    if (open) await tx.dms.unhide(row.id, actor.user.id);
    else await tx.dms.hide(row.id, actor.user.id, nowIso());
    return row;
  });
  return present(deps.store.read, dm, actor.user.id);
}

export async function listDmMessages(
  deps: ServiceDeps,
  actor: Actor,
  id: string,
  query: MessagePageQuery,
): Promise<MessagePage> {
  const db = deps.store.read;
  const dm = await requireDm(db, actor, id);
  let cursor = parseCursor(query);
  if (query.mode !== undefined) {
    if (query.mode !== 'latest' || cursor.kind !== 'default')
      throw badRequest('invalid message page request: mode must be latest, alone');
    cursor = { kind: 'latest' };
  }
  const { rows, ...seqs } = await loadWindow(
    db,
    { kind: 'dm', conversationId: dm.id },
    cursor,
    query.limit,
    'latest',
  );
  return {
    messages: await presentMessages(db, rows, { threadState: true, viewerId: actor.user.id }),
    ...seqs,
  };
}

/** Posting re-opens the conversation for every member; a DM with nobody left is a 409. */
export async function createDmMessage(
  deps: ServiceDeps,
  actor: Actor,
  id: string,
  body: CreateMessageBody,
): Promise<Outcome<MessageEventResponse>> {
  return rootResponse(await postMessage(deps, actor, { kind: 'dm', dmId: id }, body));
}

export function markDmRead(
  deps: ServiceDeps,
  actor: Actor,
  id: string,
  body: ReadBody,
): Promise<ReceiptResponse> {
  return moveDmPointer(deps, actor, id, readUpTo(body.seq));
}

/** Mark a DM unread from the message at `seq` (see markChannelUnread). */
export function markDmUnread(
  deps: ServiceDeps,
  actor: Actor,
  id: string,
  body: UnreadBody,
): Promise<ReceiptResponse> {
  return moveDmPointer(deps, actor, id, unreadFrom(body.seq));
}

async function moveDmPointer(
  deps: ServiceDeps,
  actor: Actor,
  id: string,
  target: PointerMove,
): Promise<ReceiptResponse> {
  const userId = actor.user.id;
  const res = await deps.store.write(async (tx) => {
    const dm = await requireDm(tx, actor, id);
    const current = await tx.dms.readPointer(dm.id, userId);
    const seq = target(dm.last_seq, current);
    const at = nowIso();
    if (seq === undefined) return { seq: current, at, event: undefined };
    if (seq > current) await tx.dms.setRead(dm.id, userId, seq, at);
    else await tx.dms.rewindRead(dm.id, userId, seq, at);
    const event = await tx.events.append({
      type: 'dm.read',
      workspace_id: dm.workspace_id,
      direct_conversation_id: dm.id,
      seq,
      payload: { direct_conversation_id: dm.id, user_id: userId },
      recipients: [userId],
    });
    return { seq, at, event };
  });
  return {
    receipt: {
      scope_id: id,
      user_id: userId,
      last_read_seq: res.seq,
      last_read_at: res.at,
      mention_count: 0,
    },
  };
}
