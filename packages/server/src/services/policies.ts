import type { Scope } from '@clickclack/protocol';
import type { Repos } from '../store/store.js';
import type { ChannelRow } from '../store/repos/channels.js';
import type { MessageRow } from '../store/repos/messages.js';
import type { Role } from '../store/repos/workspaces.js';
import type { Actor } from './actor.js';
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
 * The caller's role in a workspace. A workspace the caller cannot see is reported as not
 * found, so its existence is not leaked.
 */
export async function requireMember(db: Repos, actor: Actor, workspaceId: string): Promise<Role> {
  assertBotWorkspace(actor, workspaceId);
  const role = await db.workspaces.role(workspaceId, actor.user.id);
  if (!role) {
    const exists = await db.workspaces.byId(workspaceId);
    if (!exists) throw notFound('workspace not found');
    throw forbidden('not a member of this workspace');
  }
  return role;
}

/** Whether a member may read a channel: public to members, private to channel members. */
export async function canReadChannel(
  db: Repos,
  userId: string,
  channel: ChannelRow,
): Promise<boolean> {
  if (channel.kind === 'public') return true;
  return db.channels.isMember(channel.id, userId);
}

/** Guests read only the workspace's `guest` channel, whatever else they are a member of. */
export function roleMayRead(role: Role, channel: ChannelRow): boolean {
  return role !== 'guest' || channel.name === 'guest';
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
  if (!roleMayRead(role, channel)) throw notFound('channel not found');
  if (!(await canReadChannel(db, actor.user.id, channel))) throw notFound('channel not found');
  return { channel, role };
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
  if (!dm || !(await db.dms.isMember(dm, actor.user.id))) throw notFound('message not found');
  return { message };
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
  if (role !== 'owner' && role !== 'moderator')
    throw forbidden('workspace manager permission required');
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
