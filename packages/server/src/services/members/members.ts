import type {
  AddMemberBody,
  MemberEventResponse,
  RemoveMemberResponse,
  WorkspaceRole,
} from '@clickclack/protocol';
import { nowIso } from '../../lib/clock.js';
import type { UserRow } from '../../store/repos/users.js';
import type { Role } from '../../store/repos/workspaces.js';
import type { Repos } from '../../store/store.js';
import type { Actor } from '../actor.js';
import { joinGeneral } from '../channels/channels.js';
import type { ServiceDeps } from '../context.js';
import { badRequest, conflict, forbidden, notFound } from '../errors.js';
import { RANK, requireManager } from '../policies.js';
import { presentUser } from '../present.js';
import { normalizeHandle } from '../validate.js';

const ASSIGNABLE = new Set<WorkspaceRole>(['moderator', 'member', 'guest']);

async function findUser(tx: Repos, body: AddMemberBody): Promise<UserRow> {
  const given = [body.user_id, body.handle, body.email].filter(
    (v) => v !== undefined && v.trim() !== '',
  );
  if (given.length !== 1) throw badRequest('give exactly one of user_id, handle or email');
  const user = body.user_id?.trim()
    ? await tx.users.byId(body.user_id.trim())
    : body.handle?.trim()
      ? await tx.users.byHandle(normalizeHandle(body.handle))
      : await tx.users.byEmail((body.email ?? '').trim().toLowerCase());
  if (!user || user.deleted_at) throw notFound('user not found');
  return user;
}

/** A manager may only act on people ranked below them and hand out roles below their own. */
function assertOutranks(callerRole: Role, targetRole: Role | undefined, newRole?: Role): void {
  if (targetRole === 'owner')
    throw forbidden('owners cannot be changed here; transfer ownership instead');
  if (targetRole !== undefined && RANK[targetRole] >= RANK[callerRole])
    throw forbidden('target role is too high for this moderator');
  if (newRole !== undefined && RANK[newRole] >= RANK[callerRole])
    throw forbidden('role is too high for this moderator');
}

function role(raw: string | undefined): Role {
  const r = (raw ?? 'member').trim() as WorkspaceRole;
  if (!ASSIGNABLE.has(r))
    throw badRequest(`invalid workspace role "${raw}" (use moderator, member or guest)`);
  return r;
}

export async function addMember(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
  body: AddMemberBody,
): Promise<MemberEventResponse> {
  const newRole = role(body.role);
  return deps.store.write(async (tx) => {
    const callerRole = await requireManager(tx, actor, workspaceId, 'members');
    assertOutranks(callerRole, undefined, newRole);
    const user = await findUser(tx, body);
    if (user.kind === 'bot') throw badRequest('bots join through bot management');
    if (await tx.workspaces.role(workspaceId, user.id))
      throw conflict('user is already a member of this workspace');
    const at = nowIso();
    await tx.workspaces.addMember({
      workspace_id: workspaceId,
      user_id: user.id,
      role: newRole,
      created_at: at,
    });
    await joinGeneral(tx, workspaceId, user.id, newRole, at);
    const event = await tx.events.append({
      type: 'member.joined',
      workspace_id: workspaceId,
      payload: {
        workspace_id: workspaceId,
        user_id: user.id,
        role: newRole,
        added_by: actor.user.id,
      },
    });
    return {
      member: { workspace_id: workspaceId, user: presentUser(user), role: newRole, joined_at: at },
      event,
    };
  });
}

export async function updateMember(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
  userId: string,
  raw: string,
): Promise<MemberEventResponse> {
  const newRole = role(raw);
  return deps.store.write(async (tx) => {
    const callerRole = await requireManager(tx, actor, workspaceId, 'members');
    if (userId === actor.user.id) throw badRequest('moderators cannot moderate themselves');
    const current = await tx.workspaces.role(workspaceId, userId);
    if (!current) throw notFound('not a member of this workspace');
    assertOutranks(callerRole, current, newRole);
    await tx.workspaces.setRole(workspaceId, userId, newRole);
    await joinGeneral(tx, workspaceId, userId, newRole, nowIso());
    const user = (await tx.users.byId(userId)) as UserRow;
    const event = await tx.events.append({
      type: 'member.updated',
      workspace_id: workspaceId,
      payload: {
        workspace_id: workspaceId,
        user_id: userId,
        role: newRole,
        previous_role: current,
        by: actor.user.id,
      },
    });
    return {
      member: { workspace_id: workspaceId, user: presentUser(user), role: newRole, joined_at: '' },
      event,
    };
  });
}

/** Removes a member, their private-channel memberships and their open sockets. */
export async function removeMember(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
  userId: string,
): Promise<RemoveMemberResponse> {
  const res = await deps.store.write(async (tx) => {
    const callerRole = await requireManager(tx, actor, workspaceId, 'members');
    const current = await tx.workspaces.role(workspaceId, userId);
    if (!current) throw notFound('not a member of this workspace');
    if (userId === actor.user.id) throw badRequest('use another manager to remove yourself');
    assertOutranks(callerRole, current);
    // The event goes out while they are still a member, so their client learns why.
    const event = await tx.events.append({
      type: 'member.removed',
      workspace_id: workspaceId,
      payload: { workspace_id: workspaceId, user_id: userId, by: actor.user.id },
    });
    await tx.channels.removeFromWorkspace(workspaceId, userId);
    await tx.workspaces.removeMember(workspaceId, userId);
    return { removed_user_id: userId, event };
  });
  deps.realtime.dropUser(workspaceId, userId);
  return res;
}
