import type {
  Channel,
  ChannelEventOnly,
  DirectoryResponse,
  Event,
  UpdateChannelBody,
  User,
} from '@clickclack/protocol';
import { nowIso } from '../../lib/clock.js';
import type { ChannelRow } from '../../store/repos/channels.js';
import type { Repos } from '../../store/store.js';
import type { Actor } from '../actor.js';
import { CHANNEL_NAME_TAKEN, requestedKind } from './channels.js';
import type { ServiceDeps } from '../context.js';
import { badRequest, conflict, forbidden, notFound } from '../errors.js';
import {
  assertScope,
  assertUnrestricted,
  channelRecipients,
  requireMember,
  requireReadableChannel,
  roleMayFindChannel,
} from '../policies.js';
import { presentChannel, presentUser } from '../present.js';
import { slugify } from '../validate.js';

const limited = (v: string | undefined, max: number, field: string): string | undefined => {
  if (v === undefined) return undefined;
  const t = v.trim();
  if ([...t].length > max) throw badRequest(`${field} is too long (max ${max} characters)`);
  if (field !== 'display_title' && /[\r\n]/.test(t))
    throw badRequest(`${field} must be a single line`);
  return t;
};

/** Managers, the channel's creator, and bots with channels:write may change a channel. */
async function assertCanManage(tx: Repos, actor: Actor, channel: ChannelRow): Promise<void> {
  assertScope(actor, 'channels:write');
  await assertUnrestricted(tx, channel.workspace_id, actor.user.id);
  if (actor.kind === 'bot') return;
  const role = await tx.workspaces.role(channel.workspace_id, actor.user.id);
  if (role === 'owner' || role === 'moderator' || channel.created_by === actor.user.id) return;
  throw forbidden('only workspace managers and the channel creator can change this channel');
}

async function view(tx: Repos, channel: ChannelRow, userId: string): Promise<Channel> {
  const read = await tx.channels.readPointer(channel.id, userId);
  return presentChannel(channel, {
    ...read,
    unread_count: channel.last_seq - read.last_read_seq,
    is_member: await tx.channels.isMember(channel.id, userId),
  });
}

/** Membership events of private channels go to its members and the person concerned only. */
async function membershipEvent(
  tx: Repos,
  channel: ChannelRow,
  type: string,
  userId: string,
  by: string,
): Promise<Event> {
  const priv = channel.kind === 'private';
  return tx.events.append({
    type,
    workspace_id: channel.workspace_id,
    channel_id: priv ? null : channel.id,
    payload: { channel_id: channel.id, user_id: userId, by },
    ...(priv
      ? { recipients: [...new Set([...(await tx.channels.memberIds(channel.id)), userId])] }
      : {}),
  });
}

async function finish(
  deps: ServiceDeps,
  actor: Actor,
  res: { channel: ChannelRow; event?: Event },
): Promise<ChannelEventOnly> {
  return {
    channel: await view(deps.store.read, res.channel, actor.user.id),
    ...(res.event ? { event: res.event } : {}),
  };
}

export async function updateChannel(
  deps: ServiceDeps,
  actor: Actor,
  channelId: string,
  body: UpdateChannelBody,
): Promise<ChannelEventOnly> {
  const kind = requestedKind(body.kind);
  const topic = limited(body.topic, 250, 'topic');
  const purpose = limited(body.purpose, 250, 'purpose');
  const title = limited(body.display_title, 200, 'display_title');
  const section = limited(body.sidebar_section, 100, 'sidebar_section');
  const ref = limited(body.external_ref, 500, 'external_ref');
  const url = limited(body.external_url, 2000, 'external_url');
  const res = await deps.store.write(async (tx) => {
    const { channel } = await requireReadableChannel(tx, actor, channelId);
    await assertCanManage(tx, actor, channel);
    // What the request asks for; only the columns that differ from the row are written.
    const wanted: Partial<ChannelRow> = {
      kind,
      topic,
      purpose,
      display_title: title === undefined ? undefined : title || null,
      sidebar_section: section === undefined ? undefined : section || null,
      external_ref: ref === undefined ? undefined : ref || null,
      external_url: url === undefined ? undefined : url || null,
      external_managed: body.external_managed === undefined ? undefined : +body.external_managed,
    };
    if (body.name !== undefined && body.name.trim() !== '') {
      const name = slugify(body.name);
      if (name === '' || name.length > 80)
        throw badRequest('channel name must be 1-80 letters, digits or dashes');
      if (name !== channel.name) {
        if (channel.name === 'general') throw badRequest('#general cannot be renamed');
        if (name === 'guest') throw badRequest('guest channel name is reserved');
        if (await tx.channels.byName(channel.workspace_id, name))
          throw conflict(CHANNEL_NAME_TAKEN);
        wanted.name = name;
      }
    }
    // Everyone reads #general, and nobody can leave it: it stays public.
    if (kind === 'private' && channel.name === 'general')
      throw badRequest('#general cannot be made private');
    if (body.archived !== undefined) {
      if (body.archived && channel.name === 'general')
        throw badRequest('#general cannot be archived');
      wanted.archived_at = body.archived ? (channel.archived_at ?? nowIso()) : null;
    }
    const patch = Object.fromEntries(
      Object.entries(wanted).filter(
        ([column, value]) => value !== undefined && value !== channel[column as keyof ChannelRow],
      ),
    ) as Partial<ChannelRow>;
    // A private channel is reachable by its members alone: made private by an outsider, it
    // could be left with nobody able to open it again.
    if (patch.kind === 'private' && !(await tx.channels.isMember(channel.id, actor.user.id)))
      throw badRequest('only a member can make a channel private: join it first');
    const changed = Object.keys(patch).sort();
    // A patch that changes nothing (clients resend what they hold) is no event either.
    if (changed.length === 0) return { channel };
    // Those who read a channel made private lose it: they are told, the channel being
    // theirs no more (the event could not reach them through the channel).
    const formerReaders =
      patch.kind === 'private' ? await channelRecipients(tx, channel) : undefined;
    const updated: ChannelRow = { ...channel, ...patch };
    await tx.channels.update(channel.id, patch);
    const event = await tx.events.append({
      type: 'channel.updated',
      workspace_id: channel.workspace_id,
      channel_id: patch.kind === 'private' ? null : channel.id,
      payload: { channel_id: channel.id, archived: updated.archived_at !== null, changed },
      ...(formerReaders ? { recipients: formerReaders } : {}),
    });
    return { channel: updated, event };
  });
  return finish(deps, actor, res);
}

export async function joinChannel(
  deps: ServiceDeps,
  actor: Actor,
  channelId: string,
): Promise<ChannelEventOnly> {
  assertScope(actor, 'channels:read');
  const res = await deps.store.write(async (tx) => {
    const { channel } = await requireReadableChannel(tx, actor, channelId);
    if (await tx.channels.isMember(channel.id, actor.user.id)) return { channel };
    if (channel.archived_at) throw badRequest('archived channels cannot be joined');
    await tx.channels.addMember(channel.id, actor.user.id, nowIso());
    return {
      channel,
      event: await membershipEvent(
        tx,
        channel,
        'channel.member_joined',
        actor.user.id,
        actor.user.id,
      ),
    };
  });
  return finish(deps, actor, res);
}

export async function leaveChannel(
  deps: ServiceDeps,
  actor: Actor,
  channelId: string,
): Promise<ChannelEventOnly> {
  const res = await deps.store.write(async (tx) => {
    const { channel } = await requireReadableChannel(tx, actor, channelId);
    if (channel.name === 'general') throw badRequest('#general cannot be left');
    if (!(await tx.channels.removeMember(channel.id, actor.user.id))) return { channel };
    return {
      channel,
      event: await membershipEvent(
        tx,
        channel,
        'channel.member_left',
        actor.user.id,
        actor.user.id,
      ),
    };
  });
  return finish(deps, actor, res);
}

export async function listChannelMembers(
  deps: ServiceDeps,
  actor: Actor,
  channelId: string,
): Promise<User[]> {
  assertScope(actor, 'channels:read');
  const db = deps.store.read;
  const { channel } = await requireReadableChannel(db, actor, channelId);
  const users = await db.users.byIds(await db.channels.memberIds(channel.id));
  return users.sort((a, b) => a.display_name.localeCompare(b.display_name)).map(presentUser);
}

/** Any channel member may add a workspace member (that is how private channels grow). */
export async function addChannelMember(
  deps: ServiceDeps,
  actor: Actor,
  channelId: string,
  userId: string,
): Promise<ChannelEventOnly> {
  assertScope(actor, 'channels:write');
  const res = await deps.store.write(async (tx) => {
    const { channel } = await requireReadableChannel(tx, actor, channelId);
    if (channel.kind === 'private' && !(await tx.channels.isMember(channel.id, actor.user.id))) {
      throw forbidden('only members can add people to a private channel');
    }
    await assertUnrestricted(tx, channel.workspace_id, actor.user.id);
    if (!(await tx.workspaces.role(channel.workspace_id, userId)))
      throw badRequest('user is not a member of this workspace');
    if (await tx.channels.isMember(channel.id, userId)) return { channel };
    await tx.channels.addMember(channel.id, userId, nowIso());
    return {
      channel,
      event: await membershipEvent(tx, channel, 'channel.member_joined', userId, actor.user.id),
    };
  });
  return finish(deps, actor, res);
}

export async function removeChannelMember(
  deps: ServiceDeps,
  actor: Actor,
  channelId: string,
  userId: string,
): Promise<ChannelEventOnly> {
  const res = await deps.store.write(async (tx) => {
    const { channel } = await requireReadableChannel(tx, actor, channelId);
    if (userId !== actor.user.id) await assertCanManage(tx, actor, channel);
    if (channel.name === 'general') throw badRequest('nobody can be removed from #general');
    const event = await membershipEvent(tx, channel, 'channel.member_left', userId, actor.user.id);
    if (!(await tx.channels.removeMember(channel.id, userId)))
      throw notFound('not a member of this channel');
    return { channel, event };
  });
  return finish(deps, actor, res);
}

export async function channelDirectory(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
): Promise<DirectoryResponse> {
  assertScope(actor, 'channels:read');
  const db = deps.store.read;
  const role = await requireMember(db, actor, workspaceId);
  const all = await db.channels.directory(workspaceId);
  const shown = await Promise.all(all.map((r) => roleMayFindChannel(db, actor.user.id, role, r)));
  const rows = all.filter((_, i) => shown[i]);
  return {
    channels: await Promise.all(
      rows.map(async (r) => ({
        channel: await view(db, r, actor.user.id),
        member_count: Number(r.member_count),
      })),
    ),
  };
}
