import type { Scope } from '@clickclack/protocol';
import type { Repos } from '../store/store.js';
import type { ChannelRow } from '../store/repos/channels.js';
import type { DmRow } from '../store/repos/dms.js';
import type { MessageRow } from '../store/repos/messages.js';
import type { Restriction } from '../store/repos/moderation.js';
import type { Role } from '../store/repos/workspaces.js';
import type { Actor } from './actor.js';
import type { Audience } from './context.js';
import { conflict, forbidden, missingScope, notFound } from './errors.js';

/** Who may do what: the only place authorisation rules live. */

export function assertScope(actor: Actor, scope: Scope): void {
  if (actor.kind === 'bot' && !actor.scopes.has(scope)) throw missingScope(scope);
}

export function assertHuman(actor: Actor, message: string): void {
  if (actor.kind === 'bot') throw forbidden(message);
}

function assertBotWorkspace(actor: Actor, workspaceId: string): void {
  if (actor.kind === 'bot' && actor.workspaceId !== workspaceId) {
    throw forbidden('bot token cannot access this workspace');
  }
}

/**
 * The caller's role in a workspace. A workspace the caller is not in is reported exactly
 * like a missing one (404), so a non-member cannot probe which workspaces exist.
 */
export async function requireMember(db: Repos, actor: Actor, workspaceId: string): Promise<Role> {
  assertBotWorkspace(actor, workspaceId);
  const role = await db.workspaces.role(workspaceId, actor.user.id);
  if (!role) throw notFound('workspace not found');
  return role;
}

/** A member acts on others only if they rank higher, and hands out only lower roles. */
export const RANK: Readonly<Record<Role, number>> = {
  owner: 5,
  bot: 4,
  moderator: 3,
  member: 2,
  guest: 1,
};

/** Guests read only the workspace's `guest` channel, whatever else they are a member of. */
export function roleMayRead(role: Role, channel: ChannelRow): boolean {
  return role !== 'guest' || channel.name === 'guest';
}

/**
 * Whether the channel directory (public channels to join) shows a channel to a member: a
 * guest learns of no channel beyond the ones they are in and may read.
 */
export async function roleMayFindChannel(
  db: Repos,
  userId: string,
  role: Role,
  channel: ChannelRow,
): Promise<boolean> {
  if (role !== 'guest') return true;
  return roleMayRead(role, channel) && db.channels.isMember(channel.id, userId);
}

/** Whether a workspace member with `role` may read a channel: the guest rule, then its kind. */
export async function roleMayReadChannel(
  db: Repos,
  userId: string,
  role: Role,
  channel: ChannelRow,
): Promise<boolean> {
  if (!roleMayRead(role, channel)) return false;
  if (channel.kind === 'public') return true;
  return db.channels.isMember(channel.id, userId);
}

/** Whether a user may read a channel: a member of its workspace the channel is open to. */
export async function canReadChannel(
  db: Repos,
  userId: string,
  channel: ChannelRow,
): Promise<boolean> {
  const role = await db.workspaces.role(channel.workspace_id, userId);
  return role !== undefined && roleMayReadChannel(db, userId, role, channel);
}

export function canReceive(audience: Audience, userId: string): boolean {
  if (audience === 'workspace') return true;
  return 'except' in audience ? !audience.except.has(userId) : audience.has(userId);
}

/**
 * Who may receive what happens in a channel: the same people who may read it. A caller that
 * computes many audiences passes the workspace's `guests` it already holds.
 */
export async function channelAudience(
  db: Repos,
  channel: ChannelRow,
  guests?: readonly string[],
): Promise<Audience> {
  if (channel.name === 'guest') guests = [];
  guests ??= await db.workspaces.guestIds(channel.workspace_id);
  if (channel.kind === 'public')
    return guests.length === 0 ? 'workspace' : { except: new Set(guests) };
  const members = new Set(await db.channels.memberIds(channel.id));
  for (const g of guests) members.delete(g);
  return members;
}

/**
 * The users an event about a channel must be addressed to once the channel row is gone
 * (nothing can look its audience up then), or undefined when that is the whole workspace.
 */
export async function channelRecipients(
  db: Repos,
  channel: ChannelRow,
): Promise<string[] | undefined> {
  const audience = await channelAudience(db, channel);
  if (audience === 'workspace') return undefined;
  if ('except' in audience) {
    const members = await db.workspaces.memberIds(channel.workspace_id);
    return members.filter((id) => !audience.except.has(id));
  }
  return [...audience];
}

/** Why `role` may not delete `channel` now, or undefined when they may. */
export function channelDeletionBlocker(
  actor: Actor,
  role: Role,
  channel: ChannelRow,
  channelsInWorkspace: number,
): { code: 'forbidden' | 'conflict'; message: string } | undefined {
  if (actor.kind === 'bot') return { code: 'forbidden', message: 'bots cannot delete channels' };
  if (role !== 'owner')
    return { code: 'forbidden', message: 'workspace owner permission required' };
  if (channel.name === 'general')
    return { code: 'conflict', message: '#general cannot be deleted' };
  if (channelsInWorkspace <= 1)
    return { code: 'conflict', message: 'the last channel of a workspace cannot be deleted' };
  return undefined;
}

/** Who may receive what happens in a DM: its members, guests excepted (they have no DMs). */
export async function dmAudience(
  db: Repos,
  conversationId: string,
  workspaceId: string,
  guests?: readonly string[],
): Promise<Audience> {
  const members = new Set(await db.dms.memberIds(conversationId));
  for (const g of guests ?? (await db.workspaces.guestIds(workspaceId))) members.delete(g);
  return members;
}

/**
 * Loads a channel the caller may read. Private channels the caller is not in look exactly
 * like missing ones (404).
 */
export async function requireReadableChannel(
  db: Repos,
  actor: Actor,
  channelId: string,
): Promise<{ channel: ChannelRow; role: Role }> {
  const channel = await db.channels.byId(channelId);
  if (!channel) throw notFound('channel not found');
  assertBotWorkspace(actor, channel.workspace_id);
  const role = await db.workspaces.role(channel.workspace_id, actor.user.id);
  if (!role) throw notFound('channel not found');
  if (!(await roleMayReadChannel(db, actor.user.id, role, channel)))
    throw notFound('channel not found');
  return { channel, role };
}

/** Why a moderation state stops its member writing at `now`, if it does. */
export function restrictionOf(r: Restriction | undefined, now = Date.now()): string | undefined {
  if (!r) return undefined;
  if (r.blocked_at) return 'member is blocked';
  if (r.timeout_until && Date.parse(r.timeout_until) > now)
    return `member is timed out until ${r.timeout_until}`;
  return undefined;
}

/** Blocked and timed-out members keep reading but write nothing (spec model-and-auth.md §5.7). */
export async function assertUnrestricted(
  db: Repos,
  workspaceId: string,
  userId: string,
): Promise<void> {
  const why = restrictionOf(await db.moderation.restriction(workspaceId, userId));
  if (why) throw forbidden(`moderation restriction: ${why}`);
}

export function assertCanPost(channel: ChannelRow): void {
  if (channel.archived_at) throw forbidden('channel is archived');
}

export function assertCanCreateChannel(role: Role): void {
  if (role === 'guest') throw forbidden('moderation restriction: guests cannot create channels');
}

/**
 * Loads a message the caller may read (its channel's rules, or DM membership). Anything the
 * caller cannot see is reported as missing.
 */
export async function requireReadableMessage(
  db: Repos,
  actor: Actor,
  messageId: string,
): Promise<{ message: MessageRow; channel?: ChannelRow }> {
  const message = await db.messages.byId(messageId);
  if (!message) throw notFound('message not found');
  if (message.channel_id) {
    try {
      const { channel } = await requireReadableChannel(db, actor, message.channel_id);
      return { message, channel };
    } catch (err) {
      if (err instanceof Error && err.message === 'channel not found')
        throw notFound('message not found');
      throw err;
    }
  }
  assertBotWorkspace(actor, message.workspace_id);
  assertScope(actor, 'dms:read');
  const dm = message.direct_conversation_id;
  if (!dm || !(await canReadDm(db, actor.user.id, message.workspace_id, dm)))
    throw notFound('message not found');
  return { message };
}

/** Whether a user may read a DM: a member of it who is not a guest of its workspace. */
export async function canReadDm(
  db: Repos,
  userId: string,
  workspaceId: string,
  conversationId: string,
): Promise<boolean> {
  const role = await db.workspaces.role(workspaceId, userId);
  return role !== undefined && roleMayReadDm(db, userId, role, conversationId);
}

/** Whether a workspace member with `role` may read one of its DMs. */
export async function roleMayReadDm(
  db: Repos,
  userId: string,
  role: Role,
  conversationId: string,
): Promise<boolean> {
  return role !== 'guest' && db.dms.isMember(conversationId, userId);
}

/** Workspace owners and moderators manage bots and integrations. */
export function isManagerRole(role: Role | undefined): boolean {
  return role === 'owner' || role === 'moderator';
}

/** Workspace owners and moderators manage bots and integrations; bot tokens never do. */
export async function requireManager(
  db: Repos,
  actor: Actor,
  workspaceId: string,
  what: string,
): Promise<Role> {
  assertHuman(actor, `bot tokens cannot manage ${what}`);
  const role = await requireMember(db, actor, workspaceId);
  if (!isManagerRole(role)) throw forbidden('workspace manager permission required');
  await assertUnrestricted(db, workspaceId, actor.user.id);
  return role;
}

/** A DM where nobody but the sender is left in the workspace takes no more messages. */
export async function assertDmHasRecipient(
  db: Repos,
  dmId: string,
  workspaceId: string,
  senderId: string,
): Promise<void> {
  for (const m of await db.dms.memberIds(dmId)) {
    if (m !== senderId && (await db.workspaces.role(workspaceId, m))) return;
  }
  throw conflict('direct conversation has no active recipient');
}

/** A DM the caller belongs to; anything else looks like it does not exist. */
export async function requireDm(tx: Repos, actor: Actor, id: string): Promise<DmRow> {
  assertScope(actor, 'dms:read');
  const dm = await tx.dms.byId(id);
  if (!dm || !(await tx.dms.isMember(dm.id, actor.user.id)))
    throw notFound('conversation not found');
  if (actor.kind === 'bot' && actor.workspaceId !== dm.workspace_id)
    throw forbidden('bot token cannot access this workspace');
  const role = await tx.workspaces.role(dm.workspace_id, actor.user.id);
  if (!role) throw notFound('conversation not found');
  if (role === 'guest') throw forbidden('moderation restriction');
  return dm;
}
