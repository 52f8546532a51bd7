import type {
  MemberModeration,
  ModerateMemberBody,
  ModerateMemberResponse,
  ModerationRosterResponse,
} from '@clickclack/protocol';
import type { ModerationRow, RosterRow } from '../../store/repos/moderation.js';
import type { Role } from '../../store/repos/workspaces.js';
import type { Repos } from '../../store/store.js';
import type { Actor } from '../actor.js';
import { joinGeneral } from '../channels/channels.js';
import type { ServiceDeps } from '../context.js';
import { badRequest, forbidden } from '../errors.js';
import { RANK, assertUnrestricted, requireMember, restrictionOf } from '../policies.js';
import { presentUser } from '../present.js';

const ASSIGNABLE: ReadonlySet<string> = new Set(['moderator', 'member', 'guest']);
const ORDER: Partial<Record<Role, number>> = { owner: 0, moderator: 1, member: 2 };

/** Owners and moderators who are not blocked or timed out moderate; nobody else. */
async function requireModerator(db: Repos, actor: Actor, workspaceId: string): Promise<Role> {
  const role = await requireMember(db, actor, workspaceId);
  if (role !== 'owner' && role !== 'moderator')
    throw forbidden('moderation restriction: not a moderator');
  await assertUnrestricted(db, workspaceId, actor.user.id);
  return role;
}

function present(workspaceId: string, row: RosterRow): MemberModeration {
  const m = row.moderation;
  return {
    workspace_id: workspaceId,
    user: presentUser(row.user),
    role: row.role,
    // The guest waiting room's post budget is not built: nobody has one.
    posts_remaining: 0,
    post_limit: 0,
    ...(m?.timeout_until ? { timeout_until: m.timeout_until } : {}),
    ...(m?.blocked_at ? { blocked_at: m.blocked_at } : {}),
    ...(m?.moderation_note ? { moderation_note: m.moderation_note } : {}),
    ...(m?.moderation_by ? { moderation_by: m.moderation_by } : {}),
    ...(m?.moderation_at ? { moderation_at: m.moderation_at } : {}),
  };
}

export async function moderationRoster(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
): Promise<ModerationRosterResponse> {
  const db = deps.store.read;
  await requireModerator(db, actor, workspaceId);
  const rows = await db.moderation.roster(workspaceId);
  const name = (r: RosterRow) => r.user.display_name.toLowerCase();
  rows.sort(
    (a, b) =>
      (ORDER[a.role] ?? 3) - (ORDER[b.role] ?? 3) ||
      name(a).localeCompare(name(b)) ||
      a.user.id.localeCompare(b.user.id),
  );
  return { members: rows.map((r) => present(workspaceId, r)) };
}

function newRole(raw: string | undefined): Role | undefined {
  if (raw === undefined) return undefined;
  const r = raw.trim();
  if (r === 'owner') throw badRequest('owner role cannot be assigned here');
  if (!ASSIGNABLE.has(r)) throw badRequest(`invalid workspace role "${raw}"`);
  return r as Role;
}

function timeoutFrom(body: ModerateMemberBody, current: string | null, now: number) {
  if (body.clear_timeout) return null;
  const until = (body.timeout_until ?? '').trim();
  if (until !== '') {
    // RFC 3339 with a zone: a date alone or a local time is ambiguous.
    const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(until)
      ? Date.parse(until)
      : NaN;
    if (Number.isNaN(ms)) throw badRequest('timeout_until must be an RFC 3339 timestamp');
    return new Date(ms).toISOString();
  }
  const minutes = body.timeout_minutes ?? 0;
  if (minutes > 0) return new Date(now + minutes * 60_000).toISOString();
  return current;
}

/**
 * Changes a member's role, block, timeout or note. A moderator acts only on lower ranks and
 * hands out only lower roles; nobody moderates themselves or the owner.
 */
export async function moderateMember(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
  userId: string,
  body: ModerateMemberBody,
): Promise<ModerateMemberResponse> {
  const role = newRole(body.role);
  return deps.store.write(async (tx) => {
    const callerRole = await requireModerator(tx, actor, workspaceId);
    if (userId === actor.user.id) throw badRequest('moderators cannot moderate themselves');
    const current = await tx.workspaces.role(workspaceId, userId);
    if (!current) throw badRequest('target is not a member of this workspace');
    if (current === 'owner') throw badRequest('owners cannot be moderated');
    if (RANK[current] >= RANK[callerRole])
      throw badRequest('target role is too high for this moderator');
    if (current === 'bot' && role !== undefined) throw badRequest('a bot keeps the bot role');
    if (role !== undefined && RANK[role] >= RANK[callerRole])
      throw badRequest('role is too high for this moderator');
    const now = Date.now();
    const at = new Date(now).toISOString();
    const before = await tx.moderation.byMember(workspaceId, userId);
    const row: ModerationRow = {
      workspace_id: workspaceId,
      user_id: userId,
      timeout_until: timeoutFrom(body, before?.timeout_until ?? null, now),
      blocked_at:
        body.blocked === true
          ? (before?.blocked_at ?? at)
          : body.blocked === false
            ? null
            : (before?.blocked_at ?? null),
      moderation_note: body.moderation_note?.trim() ?? before?.moderation_note ?? '',
      moderation_by: actor.user.id,
      moderation_at: at,
    };
    await tx.moderation.upsert(row);
    const finalRole = role ?? current;
    if (finalRole !== current) {
      await tx.workspaces.setRole(workspaceId, userId, finalRole);
      await joinGeneral(tx, workspaceId, userId, finalRole, at);
    }
    const managers = (await tx.moderation.managers(workspaceId)).filter(
      (m) => !restrictionOf(m, now),
    );
    const event = await tx.events.append({
      type: 'member.moderation_updated',
      workspace_id: workspaceId,
      payload: { user_id: userId, role: finalRole },
      recipients: [...new Set([userId, ...managers.map((m) => m.user_id)])],
    });
    const user = await tx.users.byId(userId);
    if (!user) throw badRequest('target is not a member of this workspace');
    return {
      member: present(workspaceId, { role: finalRole, user, moderation: row }),
      event,
    };
  });
}
