import type { Channel, ChannelEventResponse, CreateChannelBody } from '@clickclack/protocol';
import { nowIso } from '../../lib/clock.js';
import { newId, newRouteId } from '../../lib/ids.js';
import type { Role } from '../../store/repos/workspaces.js';
import type { Repos } from '../../store/store.js';
import type { Actor } from '../actor.js';
import type { ServiceDeps } from '../context.js';
import { badRequest, conflict } from '../errors.js';
import {
  assertCanCreateChannel,
  assertScope,
  assertUnrestricted,
  requireMember,
  requireReadableChannel,
} from '../policies.js';
import { presentChannel } from '../present.js';
import { slugify } from '../validate.js';

/** Exact text some clients parse: it must mention unique, channel, workspace and name. */
export const CHANNEL_NAME_TAKEN = 'channel name must be unique within the workspace';

/**
 * Puts a new (or newly promoted) workspace member in #general, which nobody can leave, when
 * the workspace has one. Guests are left out (they read only #guest), as are bots: they
 * join the channels they work in.
 */
export async function joinGeneral(
  tx: Repos,
  workspaceId: string,
  userId: string,
  role: Role,
  at: string,
): Promise<void> {
  if (role === 'guest' || role === 'bot') return;
  const general = await tx.channels.byName(workspaceId, 'general');
  if (general) await tx.channels.addMember(general.id, userId, at);
}

export async function listChannels(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
): Promise<Channel[]> {
  assertScope(actor, 'channels:read');
  const db = deps.store.read;
  const role = await requireMember(db, actor, workspaceId);
  const rows = await db.channels.listVisible(workspaceId, actor.user.id);
  return rows
    .filter((c) => role !== 'guest' || c.name === 'guest')
    .map((c) => presentChannel(c, c));
}

export async function getChannel(
  deps: ServiceDeps,
  actor: Actor,
  channelId: string,
): Promise<Channel> {
  assertScope(actor, 'channels:read');
  const db = deps.store.read;
  const { channel } = await requireReadableChannel(db, actor, channelId);
  const read = await db.channels.readPointer(channel.id, actor.user.id);
  const isMember = await db.channels.isMember(channel.id, actor.user.id);
  return presentChannel(channel, {
    ...read,
    unread_count: channel.last_seq - read.last_read_seq,
    is_member: isMember,
  });
}

/** The kind a request asks for, trimmed; undefined when it names none (`""` names none). */
export function requestedKind(raw: string | undefined): 'public' | 'private' | undefined {
  const kind = (raw ?? '').trim();
  if (kind === '') return undefined;
  if (kind !== 'public' && kind !== 'private')
    throw badRequest('channel kind must be public or private');
  return kind;
}

const optional = (v: string | undefined, max: number, field: string): string | null => {
  const t = (v ?? '').trim();
  if ([...t].length > max) throw badRequest(`${field} is too long (max ${max} characters)`);
  return t === '' ? null : t;
};

export async function createChannel(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
  body: CreateChannelBody,
): Promise<ChannelEventResponse> {
  assertScope(actor, 'channels:write');
  const kind = requestedKind(body.kind) ?? 'public';
  const name = slugify(body.name) || 'general';
  if (name.length > 80) throw badRequest('channel name is too long (max 80 characters)');
  if (name === 'guest') throw badRequest('guest channel name is reserved');
  const row = {
    id: newId('channel'),
    route_id: newRouteId('C'),
    workspace_id: workspaceId,
    name,
    kind,
    display_title: optional(body.display_title, 200, 'display_title'),
    external_managed: body.external_managed ? 1 : 0,
    external_ref: optional(body.external_ref, 500, 'external_ref'),
    external_url: optional(body.external_url, 2000, 'external_url'),
    sidebar_section: optional(body.sidebar_section, 100, 'sidebar_section'),
    created_by: actor.user.id,
    created_at: nowIso(),
    archived_at: null,
    last_seq: 0,
    topic: '',
    purpose: '',
  } as const;
  return deps.store.write(async (tx) => {
    assertCanCreateChannel(await requireMember(tx, actor, workspaceId));
    await assertUnrestricted(tx, workspaceId, actor.user.id);
    if (await tx.channels.byName(workspaceId, name)) throw conflict(CHANNEL_NAME_TAKEN);
    await tx.channels.insert(row);
    // The creator is a member of every channel they make; for private ones that is the ACL.
    await tx.channels.addMember(row.id, actor.user.id, row.created_at);
    // Nobody can leave #general: a workspace that gets one late gets everyone in it.
    if (name === 'general')
      await tx.channels.addWorkspaceMembers(row.id, workspaceId, row.created_at);
    const event = await tx.events.append({
      type: 'channel.created',
      workspace_id: workspaceId,
      channel_id: row.id,
      payload: { channel_id: row.id },
    });
    return {
      channel: presentChannel(row, { last_read_seq: 0, unread_count: 0, is_member: true }),
      event,
    };
  });
}
