import type {
  AcceptInviteResponse,
  CreateInviteBody,
  Event,
  Invite,
  InvitePreviewResponse,
  InviteSignupBody,
  InviteSignupResponse,
  MagicConsumeResponse,
  Workspace,
} from '@clickclack/protocol';
import { isoPlus, nowIso } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { hashPassword } from '../../lib/passwords.js';
import { WindowLimiter } from '../../lib/rate-limit.js';
import { hashSecret, newSecret } from '../../lib/tokens.js';
import type { InviteRow } from '../../store/repos/auth.js';
import type { UserRow } from '../../store/repos/users.js';
import type { Repos } from '../../store/store.js';
import type { Actor } from '../actor.js';
import { openSession } from '../auth/auth.js';
import { joinGeneral } from '../channels/channels.js';
import type { ServiceDeps } from '../context.js';
import { badRequest, conflict, DomainError, forbidden, notFound } from '../errors.js';
import { validNewPassword } from '../auth/passwords.js';
import { assertHuman, requireManager } from '../policies.js';
import { presentWorkspace } from '../present.js';
import { insertHuman } from '../account/users.js';
import * as v from '../validate.js';

/**
 * Invite links (issue 28). A link is a bearer secret: only the SHA-256 of its `tok_` token
 * is stored, it is shown once, and every use of a raw token (open, sign up, accept) is
 * counted against the caller's address so a link cannot be guessed online.
 */

export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** Uses of a raw invite token per client address per minute. */
export const INVITE_ATTEMPTS_PER_MINUTE = 30;

export const newInviteAttempts = (): WindowLimiter =>
  new WindowLimiter(INVITE_ATTEMPTS_PER_MINUTE, 60_000);

/** Counts one use of a raw token by `ip`; over the budget: 429. */
export function countInviteAttempt(deps: ServiceDeps, ip: string): void {
  const wait = deps.inviteAttempts.take(ip);
  if (wait > 0) {
    throw new DomainError('rate_limited', 'too many invite attempts; try again later', {
      'Retry-After': String(wait),
    });
  }
}

export function presentInvite(row: InviteRow): Invite {
  return {
    id: row.id,
    workspace_id: row.workspace_id,
    created_by: row.created_by,
    created_at: row.created_at,
    ...(row.accepted_at ? { accepted_at: row.accepted_at } : {}),
    ...(row.accepted_by ? { accepted_by: row.accepted_by } : {}),
    ...(row.expires_at ? { expires_at: row.expires_at } : {}),
    max_uses: row.max_uses,
    uses: row.uses,
    ...(row.revoked_at ? { revoked_at: row.revoked_at } : {}),
  };
}

/**
 * Mints an invite link; the raw token is returned once. The creator must be a member (the
 * admin CLI acts as the oldest user; over HTTP `createInvite` also requires a manager).
 */
export async function mintInvite(
  deps: ServiceDeps,
  input: { workspaceId: string; createdBy: string } & CreateInviteBody,
): Promise<{ invite: Invite; token: string }> {
  const token = newSecret('tok');
  const row: InviteRow = {
    id: newId('invite'),
    workspace_id: input.workspaceId,
    token_hash: hashSecret(token),
    created_by: input.createdBy,
    created_at: nowIso(),
    expires_at: isoPlus(
      input.expires_in_seconds !== undefined ? input.expires_in_seconds * 1000 : INVITE_TTL_MS,
    ),
    accepted_at: null,
    accepted_by: null,
    max_uses: input.max_uses ?? 1,
    uses: 0,
    revoked_at: null,
  };
  await deps.store.write(async (tx) => {
    if (!(await tx.workspaces.byId(input.workspaceId))) throw notFound('workspace not found');
    if (!(await tx.workspaces.role(input.workspaceId, input.createdBy))) {
      throw forbidden('invite creator must be a workspace member');
    }
    await tx.auth.insertInvite(row);
  });
  return { invite: presentInvite(row), token };
}

/** An owner or moderator creates an invite link. */
export async function createInvite(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
  body: CreateInviteBody,
): Promise<{ invite: Invite; token: string }> {
  await requireManager(deps.store.read, actor, workspaceId, 'invites');
  return mintInvite(deps, { ...body, workspaceId, createdBy: actor.user.id });
}

export async function listInvites(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
): Promise<Invite[]> {
  await requireManager(deps.store.read, actor, workspaceId, 'invites');
  return (await deps.store.read.auth.invitesOf(workspaceId)).map(presentInvite);
}

/** Revoking twice answers the same; a link of another workspace is a 404. */
export async function revokeInvite(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
  inviteId: string,
): Promise<Invite> {
  await requireManager(deps.store.read, actor, workspaceId, 'invites');
  return deps.store.write(async (tx) => {
    const row = await tx.auth.inviteById(inviteId);
    if (!row || row.workspace_id !== workspaceId) throw notFound('invite not found');
    if (row.revoked_at) return presentInvite(row);
    const at = nowIso();
    await tx.auth.revokeInvite(row.id, at);
    return presentInvite({ ...row, revoked_at: at });
  });
}

/** The invite a token (by its hash) names if it can still let someone in; else why not. */
async function usableInvite(tx: Repos, tokenHash: string): Promise<InviteRow> {
  const invite = await tx.auth.inviteByHash(tokenHash);
  if (!invite) throw notFound('invite not found');
  if (invite.revoked_at) throw notFound('invite was revoked');
  if (invite.expires_at && nowIso() >= invite.expires_at) throw badRequest('invite expired');
  return invite;
}

const usedUp = (invite: InviteRow): boolean =>
  invite.max_uses > 0 && invite.uses >= invite.max_uses;

/** The invite if it can let one more person in (checked again when they join). */
export async function openInvite(db: Repos, tokenHash: string): Promise<InviteRow> {
  const invite = await usableInvite(db, tokenHash);
  if (usedUp(invite)) throw conflict('invite already used');
  return invite;
}

/** A usable link's workspace and inviter, for the page a link opens. */
export async function previewInvite(
  deps: ServiceDeps,
  rawToken: string,
): Promise<InvitePreviewResponse> {
  const db = deps.store.read;
  const invite = await openInvite(db, hashSecret(rawToken));
  const ws = await db.workspaces.byId(invite.workspace_id);
  if (!ws) throw notFound('invite not found');
  const inviter = await db.users.byId(invite.created_by);
  return {
    workspace: { name: ws.name, slug: ws.slug },
    inviter: { display_name: inviter?.display_name ?? '' },
    ...(invite.expires_at ? { expires_at: invite.expires_at } : {}),
  };
}

export interface InviteJoin {
  invite: InviteRow;
  workspace: Workspace;
  event?: Event;
}

/**
 * Inside the caller's transaction: joins `user` to the invite's workspace as a member and
 * counts the use. Someone already in the workspace uses nothing (idempotent); a link that is
 * used up, revoked or expired lets nobody new in.
 */
export async function joinThroughInvite(
  tx: Repos,
  tokenHash: string,
  user: UserRow,
): Promise<InviteJoin> {
  const invite = await usableInvite(tx, tokenHash);
  const ws = await tx.workspaces.byId(invite.workspace_id);
  if (!ws) throw notFound('invite not found');
  const existing = await tx.workspaces.role(ws.id, user.id);
  if (existing) return { invite, workspace: presentWorkspace(ws, existing) };
  if (usedUp(invite)) throw conflict('invite already used');
  const at = nowIso();
  if (!(await tx.auth.countInviteUse(invite.id, user.id, at)))
    throw conflict('invite already used');
  const event = await admitMember(tx, ws.id, user.id, at);
  return {
    invite: {
      ...invite,
      uses: invite.uses + 1,
      accepted_at: invite.accepted_at ?? at,
      accepted_by: invite.accepted_by ?? user.id,
    },
    workspace: presentWorkspace(ws, 'member'),
    event,
  };
}

/** Someone let in on their own (a link, their email domain): a member, in `#general`. */
export async function admitMember(
  tx: Repos,
  workspaceId: string,
  userId: string,
  at: string,
): Promise<Event> {
  await tx.workspaces.addMember({
    workspace_id: workspaceId,
    user_id: userId,
    role: 'member',
    created_at: at,
  });
  await joinGeneral(tx, workspaceId, userId, 'member', at);
  return tx.events.append({
    type: 'member.joined',
    workspace_id: workspaceId,
    payload: { workspace_id: workspaceId, user_id: userId, role: 'member' },
  });
}

/** A signed-in human joins the invite's workspace. */
export async function acceptInvite(
  deps: ServiceDeps,
  actor: Actor,
  rawToken: string,
): Promise<AcceptInviteResponse> {
  assertHuman(actor, 'bot tokens cannot accept invites');
  const hash = hashSecret(rawToken);
  const res = await deps.store.write((tx) => joinThroughInvite(tx, hash, actor.user));
  return {
    invite: presentInvite(res.invite),
    workspace: res.workspace,
    ...(res.event ? { event: res.event } : {}),
  };
}

/**
 * A new account through an invite link, for someone with no other way in: they choose a
 * display name and handle, and a password when password login is on (so they can sign in
 * again; without it the session opened here is their only credential). No email is taken:
 * an address typed here is unverified, and must never reach another person's account.
 */
export async function signupWithInvite(
  deps: ServiceDeps,
  rawToken: string,
  body: InviteSignupBody,
): Promise<InviteSignupResponse> {
  const displayName = v.displayName(body.display_name);
  const handle = v.normalizeHandle(body.handle);
  if (handle === '') throw badRequest('handle is required');
  const passwordOn = deps.passwordGuard.loginEnabled;
  if (passwordOn && body.password === undefined) throw badRequest('password is required');
  if (!passwordOn && body.password !== undefined) {
    throw badRequest('password login is disabled on this server');
  }
  // Hashed before the transaction: argon2 takes tens of milliseconds and writes are serial.
  const passwordHash =
    body.password !== undefined ? await hashPassword(validNewPassword(body.password)) : undefined;
  const hash = hashSecret(rawToken);
  const res = await deps.store.write(async (tx) => {
    // Checked first so a bad link creates nobody; joinThroughInvite checks it again.
    await openInvite(tx, hash);
    if (await tx.users.byHandle(handle)) throw conflict('handle is already taken');
    const user = await insertHuman(tx, { displayName, email: '', provider: 'invite', handle });
    if (passwordHash) await tx.auth.setPassword(user.id, passwordHash, nowIso());
    const joined = await joinThroughInvite(tx, hash, user);
    const session: MagicConsumeResponse = await openSession(tx, user);
    return { session, joined };
  });
  return { ...res.session, workspace: res.joined.workspace };
}
