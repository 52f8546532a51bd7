import { nowIso } from '../lib/clock.js';
import type { UserRow } from '../store/repos/users.js';
import type { ServiceDeps } from './context.js';
import { badRequest, notFound } from './errors.js';
import { announceUserUpdated } from './users.js';

/** A human account by id (`usr_…`) or email. */
async function humanAccount(deps: ServiceDeps, who: string): Promise<UserRow> {
  const key = who.trim();
  const db = deps.store.read;
  const user = key.includes('@')
    ? await db.users.byEmail(key.toLowerCase())
    : await db.users.byId(key);
  if (!user || user.deleted_at) throw notFound(`user ${key} not found`);
  if (user.kind !== 'human')
    throw badRequest('bots are retired, not deactivated (clickclack bots delete)');
  return user;
}

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
  const { user, revoked, events } = await deps.store.write(async (tx) => {
    const row = (await tx.users.byId(target.id)) as UserRow;
    if (row.deactivated_at) return { user: row, revoked: [], events: [] };
    const at = nowIso();
    await tx.users.update(row.id, { deactivated_at: at });
    const sessions = await tx.auth.revokeUserSessions(row.id, undefined, at);
    await tx.emailNotify.dropPending(row.id, at);
    const after = { ...row, deactivated_at: at };
    return { user: after, revoked: sessions, events: await announceUserUpdated(tx, after) };
  });
  for (const id of revoked) deps.realtime?.revokeCredential(id);
  if (events.length > 0) deps.published(events);
  return { user, sessionsRevoked: revoked.length };
}

/** `clickclack admin user reactivate`: sign-in works again (old sessions stay signed out). */
export async function reactivateUser(deps: ServiceDeps, who: string): Promise<UserRow> {
  const target = await humanAccount(deps, who);
  const { user, events } = await deps.store.write(async (tx) => {
    const row = (await tx.users.byId(target.id)) as UserRow;
    if (!row.deactivated_at) return { user: row, events: [] };
    await tx.users.update(row.id, { deactivated_at: null });
    const after = { ...row, deactivated_at: null };
    return { user: after, events: await announceUserUpdated(tx, after) };
  });
  if (events.length > 0) deps.published(events);
  return user;
}
