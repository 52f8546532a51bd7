import { createHash } from 'node:crypto';
import type { Me } from '@clickclack/protocol';
import type { UpdateMeBody } from '@clickclack/protocol';
import { nowIso } from '../../lib/clock.js';
import { newId, newRouteId } from '../../lib/ids.js';
import type { Repos } from '../../store/store.js';
import { newUserRow, type UserRow } from '../../store/repos/users.js';
import type { ServiceDeps } from '../context.js';
import type { Actor } from '../actor.js';
import { badRequest, conflict } from '../errors.js';
import { joinGeneral } from '../channels/channels.js';
import { assertHuman, assertScope } from '../policies.js';
import { presentMe, presentUser } from '../present.js';
import * as v from '../validate.js';

export const gravatarFor = (email: string): string =>
  email.trim() === ''
    ? ''
    : `https://gravatar.com/avatar/${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}?d=identicon`;

export interface NewHuman {
  displayName: string;
  email: string;
  /** How they first came in: an identity row records it when there is an email. */
  provider: 'local' | 'magic' | 'invite' | 'oidc';
  /** Already normalised and checked to be free; '' (no handle) when absent. */
  handle?: string;
}

/** Inserts a human user (and its identity) inside the caller's transaction. */
export async function insertHuman(tx: Repos, input: NewHuman): Promise<UserRow> {
  const at = nowIso();
  const email = input.email.trim().toLowerCase();
  if (email !== '' && (await tx.users.byEmail(email))) {
    throw conflict(`a user with email ${email} already exists`);
  }
  const row = newUserRow({
    id: newId('user'),
    kind: 'human',
    owner_user_id: null,
    display_name: input.displayName.trim() || email || 'Local User',
    handle: input.handle ?? '',
    email,
    avatar_url: gravatarFor(email),
    created_at: at,
  });
  if (Buffer.byteLength(row.display_name) > 80) throw badRequest('display_name is too long');
  await tx.users.insert(row);
  if (email !== '') {
    await tx.users.insertIdentity({
      id: newId('identity'),
      user_id: row.id,
      provider: input.provider,
      provider_subject: email,
      email,
      created_at: at,
    });
  }
  return row;
}

export const DEFAULT_WORKSPACE = { name: 'ClickClack', slug: 'clickclack' } as const;

/**
 * If any user exists, returns the oldest; otherwise creates one and puts them in the
 * default workspace (created with #general when absent, the creator as owner).
 */
export async function ensureBootstrap(
  deps: ServiceDeps,
  input: { displayName: string; email: string },
): Promise<UserRow> {
  return deps.store.write(async (tx) => {
    const existing = await tx.users.oldest();
    if (existing) return existing;
    const user = await insertHuman(tx, { ...input, provider: 'local' });
    const at = nowIso();
    let ws = await tx.workspaces.bySlug(DEFAULT_WORKSPACE.slug);
    const role = ws ? 'member' : 'owner';
    if (!ws) {
      ws = {
        id: newId('workspace'),
        route_id: newRouteId('T'),
        ...DEFAULT_WORKSPACE,
        icon_url: '',
        created_at: at,
      };
      await tx.workspaces.insert(ws);
      await tx.channels.insert({
        id: newId('channel'),
        route_id: newRouteId('C'),
        workspace_id: ws.id,
        name: 'general',
        kind: 'public',
        created_by: user.id,
        created_at: at,
      });
    }
    await tx.workspaces.addMember({ workspace_id: ws.id, user_id: user.id, role, created_at: at });
    await joinGeneral(tx, ws.id, user.id, role, at);
    return user;
  });
}

/** The caller as `/api/me` shows them: `password_enrolled` needs one primary-key read. */
async function me(deps: ServiceDeps, user: UserRow): Promise<Me> {
  const enrolled =
    user.kind === 'human' && (await deps.store.read.auth.passwordHash(user.id)) !== undefined;
  return presentMe(user, enrolled);
}

export async function getMe(deps: ServiceDeps, actor: Actor): Promise<Me> {
  assertScope(actor, 'profile:read');
  return me(deps, actor.user);
}

/**
 * One `user.updated` per workspace the user is in: every member there sees the new name,
 * avatar or status (events are workspace-scoped, so nobody gets it twice through one stream).
 */
export async function announceUserUpdated(tx: Repos, user: UserRow): Promise<void> {
  const payload = { user_id: user.id, user: presentUser(user) };
  for (const ws of await tx.workspaces.listForUser(user.id)) {
    await tx.events.append({ type: 'user.updated', workspace_id: ws.id, payload });
  }
}

export async function updateMe(deps: ServiceDeps, actor: Actor, body: UpdateMeBody): Promise<Me> {
  assertHuman(actor, 'bot tokens cannot update profiles');
  const patch: Partial<UserRow> = {};
  if (body.display_name !== undefined) patch.display_name = v.displayName(body.display_name);
  if (body.handle !== undefined) patch.handle = v.normalizeHandle(body.handle);
  if (body.avatar_url !== undefined) {
    patch.avatar_url = v.avatarUrl(body.avatar_url) || gravatarFor(actor.user.email);
  }
  const user = await deps.store.write(async (tx) => {
    if (patch.handle) {
      const holder = await tx.users.byHandle(patch.handle);
      if (holder && holder.id !== actor.user.id) throw conflict('handle is already taken');
    }
    const before = (await tx.users.byId(actor.user.id)) as UserRow;
    const changed = (Object.keys(patch) as (keyof UserRow)[]).some((k) => patch[k] !== before[k]);
    if (!changed) return before;
    await tx.users.update(actor.user.id, patch);
    const after = (await tx.users.byId(actor.user.id)) as UserRow;
    await announceUserUpdated(tx, after);
    return after;
  });
  return me(deps, user);
}
