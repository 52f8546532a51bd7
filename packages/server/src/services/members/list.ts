import type { MemberListQuery, MemberListResponse } from '@clickclack/protocol';
import type { Role } from '../../store/repos/workspaces.js';
import type { Actor } from '../actor.js';
import type { ServiceDeps } from '../context.js';
import { badRequest } from '../errors.js';
import { assertScope, requireMember } from '../policies.js';
import { presentUser } from '../present.js';

const ROLES: readonly Role[] = ['owner', 'moderator', 'member', 'bot', 'guest'];

interface MemberCursor {
  v: 1;
  r: number;
  n: string;
  u: string;
  q: string;
  role: string;
}

const encodeCursor = (c: MemberCursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(raw: string, q: string, role: string): MemberCursor {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as MemberCursor;
    if (c.v !== 1 || typeof c.n !== 'string' || typeof c.u !== 'string' || typeof c.r !== 'number')
      throw new Error();
    if (c.q !== q || c.role !== role) throw new Error();
    return c;
  } catch {
    throw badRequest('invalid workspace member page request: bad cursor');
  }
}

const ROLE_RANK: Record<Role, number> = { owner: 0, moderator: 1, member: 2, bot: 3, guest: 4 };

export async function listMembers(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
  query: MemberListQuery,
): Promise<MemberListResponse> {
  assertScope(actor, 'workspaces:read');
  const db = deps.store.read;
  await requireMember(db, actor, workspaceId);
  let limit = 100;
  if (query.limit !== undefined) {
    if (!/^\d+$/.test(query.limit) || Number(query.limit) <= 0) {
      throw badRequest('invalid workspace member page request: limit must be a positive integer');
    }
    limit = Math.min(Number(query.limit), 200);
  }
  const q = (query.q ?? '').trim().toLowerCase();
  const role = (query.role ?? '').trim();
  if (role !== '' && !ROLES.includes(role as Role)) {
    throw badRequest(`invalid workspace member page request: unknown role "${role}"`);
  }
  const after = query.cursor ? decodeCursor(query.cursor, q, role) : undefined;
  const rows = await db.workspaces.members(workspaceId, {
    limit,
    q: q || undefined,
    role: (role || undefined) as Role | undefined,
    after: after ? { rank: after.r, name: after.n, id: after.u } : undefined,
  });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const hasMore = rows.length > limit && last !== undefined;
  return {
    members: page.map((m) => ({
      workspace_id: workspaceId,
      user: presentUser(m.user),
      role: m.role,
      joined_at: m.joined_at,
    })),
    ...(hasMore
      ? {
          next_cursor: encodeCursor({
            v: 1,
            r: ROLE_RANK[last.role],
            n: last.user.display_name.toLowerCase(),
            u: last.user.id,
            q,
            role,
          }),
        }
      : {}),
    has_more: hasMore,
    ...(after
      ? {}
      : {
          total_count: await db.workspaces.countMembers(
            workspaceId,
            q || undefined,
            (role || undefined) as Role | undefined,
          ),
        }),
    // The whole directory's make-up: only on an unfiltered first page, like upstream's.
    ...(after || q || role ? {} : { total_by_role: await db.workspaces.countByRole(workspaceId) }),
  };
}
