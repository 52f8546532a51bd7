import { nowIso } from '../../lib/clock.js';
import type { UserRow } from '../../store/repos/users.js';
import type { Actor } from '../actor.js';
import type { ServiceDeps } from '../context.js';
import { badRequest, forbidden, notFound } from '../errors.js';
import { assertHuman, requireMember } from '../policies.js';
import { announceUserUpdated } from '../account/users.js';

/** A human account by id (`usr_…`) or email. */
async function humanAccount(deps: ServiceDeps, who: string): Promise<UserRow> {
  const key = who.trim();
  const db = deps.store.read;
  const user = key.includes('@')
    ? await db.users.byEmail(key.toLowerCase())
    : await db.users.byId(key);
  if (!user || user.deleted_at) throw notFound(`user ${key} not found`);
  if (user.kind !== 'human') throw badRequest(BOTS_ARE_RETIRED);
  return user;
}

const BOTS_ARE_RETIRED = 'bots are retired, not deactivated (clickclack bots delete)';

/**
 * `clickclack admin user deactivate`: the account is signed out everywhere (its sockets on
 * this process close at once; on a running server at their next credential check) and every
 * sign-in is refused from then on. Its messages, memberships and bots stay; members see the
 * status through `user.updated`. Its email notifications still queued are dropped.
 */
export async function deactivateUser(
  deps: ServiceDeps,
  who: string,
): Promise<{ user: UserRow; sessionsRevoked: number }> {
  const target = await humanAccount(deps, who);
  const { user, revoked } = await deps.store.write(async (tx) => {
    const row = (await tx.users.byId(target.id)) as UserRow;
    if (row.deactivated_at) return { user: row, revoked: [] };
    const at = nowIso();
    await tx.users.update(row.id, { deactivated_at: at });
    const sessions = await tx.auth.revokeUserSessions(row.id, undefined, at);
    await tx.emailNotify.dropPending(row.id, at);
    const after = { ...row, deactivated_at: at };
    await announceUserUpdated(tx, after);
    return { user: after, revoked: sessions };
  });
  for (const id of revoked) deps.realtime.revokeCredential(id);
  return { user, sessionsRevoked: revoked.length };
}

/** `clickclack admin user reactivate`: sign-in works again (old sessions stay signed out). */
export async function reactivateUser(deps: ServiceDeps, who: string): Promise<UserRow> {
  const target = await humanAccount(deps, who);
  return deps.store.write(async (tx) => {
    const row = (await tx.users.byId(target.id)) as UserRow;
    if (!row.deactivated_at) return row;
    await tx.users.update(row.id, { deactivated_at: null });
    const after = { ...row, deactivated_at: null };
    await announceUserUpdated(tx, after);
    return after;
  });
}

/**
 * `POST /api/workspaces/{id}/members/{user_id}/deactivate`. An account spans workspaces, so
 * a workspace owner closes one only when it is theirs alone to close: the person is in no
 * workspace the caller does not own and owns none. Anyone else is the server admin's
 * (`clickclack admin user deactivate`).
 */
export async function deactivateMember(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
  userId: string,
): Promise<UserRow> {
  assertHuman(actor, 'bot tokens cannot deactivate accounts');
  const db = deps.store.read;
  if ((await requireMember(db, actor, workspaceId)) !== 'owner')
    throw forbidden('workspace owner permission required');
  const target = await db.users.byId(userId);
  if (!target || !(await db.workspaces.role(workspaceId, userId)))
    throw notFound('member not found');
  if (target.kind !== 'human') throw badRequest(BOTS_ARE_RETIRED);
  if (target.id === actor.user.id) throw badRequest('you cannot deactivate your own account');
  for (const ws of await db.workspaces.listForUser(target.id)) {
    if (ws.role === 'owner') throw forbidden('a workspace owner cannot be deactivated here');
    if ((await db.workspaces.role(ws.id, actor.user.id)) !== 'owner') {
      throw forbidden(
        'this person is also in a workspace you do not own; a server admin deactivates them',
      );
    }
  }
  return (await deactivateUser(deps, target.id)).user;
}
