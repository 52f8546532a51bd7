import type { MagicConsumeResponse, MagicRequestResponse, Scope } from '@clickclack/protocol';
import { isoPlus, nowIso } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import { hashSecret, newSecret } from '../lib/tokens.js';
import type { Repos } from '../store/store.js';
import type { UserRow } from '../store/repos/users.js';
import type { Actor } from './actor.js';
import type { ServiceDeps } from './context.js';
import { badRequest, DomainError, rateLimited, unauthenticated } from './errors.js';
import { presentUser } from './present.js';
import { insertHuman } from './users.js';
import * as v from './validate.js';

export const MAGIC_LINK_TTL_MS = 15 * 60 * 1000;
/** Failed redemptions (magic link, invite) one client address may make a minute. */
export const REDEMPTION_FAILURES_PER_MINUTE = 10;

/**
 * Redeems a single-use secret (a magic link, an invite) for a client address. Only failures
 * count: a legitimate client redeems what it was given and never fails, while a client
 * trying tokens fails almost every time; past the budget every attempt from that address
 * is a 429 until its minute ends.
 */
export async function limitRedemption<T>(
  deps: ServiceDeps,
  clientIp: string,
  redeem: () => Promise<T>,
): Promise<T> {
  const limiter = deps.redemptionFailures;
  const wait = limiter?.retryAfter(clientIp) ?? 0;
  if (wait > 0) throw rateLimited('too many failed attempts; try again later', wait);
  try {
    return await redeem();
  } catch (err) {
    if (err instanceof DomainError && err.code !== 'rate_limited') limiter?.hit(clientIp);
    throw err;
  }
}
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** Mints a single-use magic link; only its hash is stored. */
export async function createMagicLink(
  deps: ServiceDeps,
  input: { email: string; displayName?: string },
): Promise<MagicRequestResponse> {
  const email = v.email(input.email);
  const token = newSecret('mgt');
  const at = nowIso();
  const row = {
    id: newId('magicLink'),
    token_hash: hashSecret(token),
    email,
    display_name: (input.displayName ?? '').trim(),
    created_at: at,
    expires_at: isoPlus(MAGIC_LINK_TTL_MS),
    used_at: null,
  };
  await deps.store.write((tx) => tx.auth.insertMagicLink(row));
  const { id, display_name, created_at, expires_at } = row;
  return { magic_link: { id, email, display_name, created_at, expires_at }, token };
}

/** Consumes a magic link atomically: find-or-create the user, mark used, open a session. */
export async function consumeMagicLink(
  deps: ServiceDeps,
  rawToken: string,
): Promise<MagicConsumeResponse> {
  const hash = hashSecret(rawToken);
  return deps.store.write(async (tx) => {
    const link = await tx.auth.magicLinkByHash(hash);
    if (!link) throw badRequest('magic link is invalid');
    if (link.used_at) throw badRequest('magic link already used');
    if (nowIso() >= link.expires_at) throw badRequest('magic link expired');
    const at = nowIso();
    if (!(await tx.auth.useMagicLink(link.id, at))) throw badRequest('magic link already used');
    const user =
      (await tx.users.byEmail(link.email)) ??
      (await insertHuman(tx, {
        displayName: link.display_name,
        email: link.email,
        provider: 'magic',
      }));
    return openSession(tx, user);
  });
}

/**
 * Opens a 30-day session for a signed-in user inside the caller's transaction: the body
 * every sign-in endpoint answers with (magic link, password). Only the token's hash is kept.
 */
export async function openSession(tx: Repos, user: UserRow): Promise<MagicConsumeResponse> {
  const at = nowIso();
  const token = newSecret('sst');
  const session = {
    id: newId('session'),
    token_hash: hashSecret(token),
    user_id: user.id,
    created_at: at,
    expires_at: isoPlus(SESSION_TTL_MS),
    revoked_at: null,
  };
  await tx.auth.insertSession(session);
  return {
    user: presentUser(user),
    session: {
      id: session.id,
      token,
      user_id: user.id,
      created_at: at,
      expires_at: session.expires_at,
    },
    token,
  };
}

/** Revokes a session token; returns its id (for closing its sockets) when it existed. */
export async function revokeSession(
  deps: ServiceDeps,
  rawToken: string,
): Promise<string | undefined> {
  if (rawToken.startsWith('ccb_')) return undefined;
  const hash = hashSecret(rawToken);
  return deps.store.write(async (tx) => {
    const session = await tx.auth.sessionByHash(hash);
    await tx.auth.revokeSession(hash, nowIso());
    return session?.id;
  });
}

/** Resolves an `sst_` session or `ccb_` bot token to an actor, or throws 401. */
export async function actorForToken(
  deps: ServiceDeps,
  rawToken: string,
  via: 'bearer' | 'cookie',
): Promise<Actor> {
  const hash = hashSecret(rawToken);
  const db = deps.store.read;
  const now = nowIso();
  if (rawToken.trim().startsWith('ccb_') && via === 'bearer') {
    const tok = await db.auth.botTokenByHash(hash);
    if (!tok || tok.revoked_at) throw unauthenticated('invalid bot token');
    const bot = await db.users.byId(tok.bot_user_id);
    if (!bot || bot.deleted_at) throw unauthenticated('invalid bot token');
    if (!(await db.workspaces.role(tok.workspace_id, bot.id)))
      throw unauthenticated('bot is not a member of this workspace');
    if (tok.owner_user_id && !(await db.workspaces.role(tok.workspace_id, tok.owner_user_id))) {
      throw unauthenticated('bot owner is no longer a workspace member');
    }
    deps.botUsage?.note(tok.id);
    return {
      kind: 'bot',
      user: bot,
      tokenId: tok.id,
      workspaceId: tok.workspace_id,
      scopes: new Set(JSON.parse(tok.scopes_json) as Scope[]),
    };
  }
  const found = await db.auth.sessionWithUser(hash);
  if (!found || found.session.revoked_at || now >= found.session.expires_at) {
    throw unauthenticated('session is invalid or expired');
  }
  return { kind: 'human', user: found.user, sessionId: found.session.id, via };
}

/** Dev fallback: X-ClickClack-User, else the oldest user. */
export async function devActor(deps: ServiceDeps, userId: string | undefined): Promise<Actor> {
  const db = deps.store.read;
  const user = userId ? await db.users.byId(userId) : await db.users.oldest();
  if (!user || user.deleted_at)
    throw unauthenticated(userId ? 'unknown user' : 'authentication required');
  return { kind: 'human', user, via: 'dev' };
}
