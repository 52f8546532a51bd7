import type {
  MagicConsumeResponse,
  MagicRequestResponse,
  Scope,
  SessionInfo,
} from '@clickclack/protocol';
import { isoPlus, nowIso } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { magicLinkUrl } from '../../lib/public-url.js';
import { WindowLimiter } from '../../lib/rate-limit.js';
import {
  canonicalSetupCode,
  hashSecret,
  newSecret,
  newSetupCode,
  safeEqual,
} from '../../lib/tokens.js';
import type { Repos } from '../../store/store.js';
import type { UserRow } from '../../store/repos/users.js';
import type { Actor } from '../actor.js';
import type { ServiceDeps, SignInLimits } from '../context.js';
import {
  badRequest,
  DomainError,
  forbidden,
  notFound,
  rateLimited,
  unauthenticated,
} from '../errors.js';
import { presentUser } from '../present.js';
import { insertHuman } from '../account/users.js';
import * as v from '../validate.js';

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
  const wait = limiter.retryAfter(clientIp);
  if (wait > 0) throw rateLimited('too many failed attempts; try again later', wait);
  try {
    return await redeem();
  } catch (err) {
    if (err instanceof DomainError && err.code !== 'rate_limited') limiter.hit(clientIp);
    throw err;
  }
}
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** Wrong codes an address's live links survive; the next one burns them. */
export const SIGN_IN_CODE_MAX_MISSES = 5;
export const DEACTIVATED = 'this account is deactivated';

/**
 * Sign-in email budgets, in this process's memory: 5 requests per address and 20 per client
 * in 15 minutes (a mailbox is not flooded, a client cannot mail the world), and 20 code
 * guesses per client in 15 minutes on top of the per-link limit.
 */
export const newSignInLimits = (): SignInLimits => ({
  requestsPerAddress: new WindowLimiter(5, 15 * 60_000),
  requestsPerSource: new WindowLimiter(20, 15 * 60_000),
  codeGuessesPerSource: new WindowLimiter(20, 15 * 60_000),
});

const tooManyRequests = (retryAfter: number) =>
  new DomainError('rate_limited', 'too many sign-in emails requested; try again later', {
    'Retry-After': String(retryAfter),
  });

/** Mints a single-use magic link (and, for an emailed one, its code); only hashes are stored. */
export async function createMagicLink(
  deps: ServiceDeps,
  input: { email: string; displayName?: string },
  codeHash = '',
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
    code_hash: codeHash,
  };
  await deps.store.write((tx) => tx.auth.insertMagicLink(row));
  const { id, display_name, created_at, expires_at } = row;
  return { magic_link: { id, email, display_name, created_at, expires_at }, token };
}

/**
 * `POST /api/auth/magic/request` on a server with SMTP: mails a sign-in link and a code.
 * Every address gets the same answer and the same work before it (the mail goes out in the
 * background), so the endpoint says nothing about who has an account. An unknown address
 * is mailed too: people join on their own, and the account is created when the link or
 * code is used. A bot's, retired or deactivated account's address is mailed nothing.
 */
export async function mailMagicLink(
  deps: ServiceDeps,
  input: { email: string; displayName?: string },
  source: string,
): Promise<void> {
  const mailer = deps.mailer;
  if (!mailer) throw new DomainError('not_implemented', 'magic-link delivery is not configured');
  const email = v.email(input.email);
  const limits = deps.signInLimits;
  const wait = limits.requestsPerSource.take(source) || limits.requestsPerAddress.take(email);
  if (wait > 0) throw tooManyRequests(wait);
  const code = newSetupCode();
  const { token } = await createMagicLink(
    deps,
    { email, ...(input.displayName !== undefined ? { displayName: input.displayName } : {}) },
    hashSecret(canonicalSetupCode(code)),
  );
  const existing = await deps.store.read.users.byEmail(email);
  if (existing && !canSignIn(existing)) return;
  // Without --public-url the server does not know the address people reach it by (a Host
  // header is the requester's to choose), so the mail carries only the code.
  const link = deps.publicUrl ? magicLinkUrl(deps.publicUrl, token) : '';
  const minutes = MAGIC_LINK_TTL_MS / 60_000;
  mailer.deliver({
    to: email,
    subject: `Your ClickClack sign-in code: ${code}`,
    text: [
      link ? `Open this link to sign in to ClickClack:\n\n${link}\n` : '',
      `${link ? 'Or type' : 'Type'} this code where you asked to sign in:\n\n    ${code}\n`,
      `The ${link ? 'link and code work' : 'code works'} once, for ${minutes} minutes.`,
      'If you did not ask to sign in, ignore this email.',
    ]
      .filter(Boolean)
      .join('\n'),
  });
}

const canSignIn = (u: UserRow): boolean => u.kind === 'human' && !u.deleted_at && !u.deactivated_at;

/** The user a used link signs in: found by email, or created (people join on their own). */
async function signInByEmail(
  tx: Repos,
  link: { email: string; display_name: string },
  userAgent: string,
): Promise<MagicConsumeResponse> {
  const existing = await tx.users.byEmail(link.email);
  if (existing && !canSignIn(existing)) throw forbidden(DEACTIVATED);
  const user =
    existing ??
    (await insertHuman(tx, {
      displayName: link.display_name,
      email: link.email,
      provider: 'magic',
    }));
  return openSession(tx, user, userAgent);
}

/** Consumes a magic link atomically: find-or-create the user, mark used, open a session. */
export async function consumeMagicLink(
  deps: ServiceDeps,
  rawToken: string,
  userAgent = '',
): Promise<MagicConsumeResponse> {
  const hash = hashSecret(rawToken);
  return deps.store.write(async (tx) => {
    const link = await tx.auth.magicLinkByHash(hash);
    if (!link) throw badRequest('magic link is invalid');
    if (link.used_at) throw badRequest('magic link already used');
    if (nowIso() >= link.expires_at) throw badRequest('magic link expired');
    const at = nowIso();
    if (!(await tx.auth.useMagicLink(link.id, at))) throw badRequest('magic link already used');
    return signInByEmail(tx, link, userAgent);
  });
}

const CODE_REFUSED = 'sign-in code is invalid or expired';

/**
 * The code of an emailed link, typed with its address (`clickclack login --email`): uses
 * that link. A wrong code counts against every live link of the address, and after
 * SIGN_IN_CODE_MAX_MISSES they stop accepting codes (their link still works).
 */
export async function consumeSignInCode(
  deps: ServiceDeps,
  input: { email: string; code: string },
  source: string,
  userAgent = '',
): Promise<MagicConsumeResponse> {
  const wait = deps.signInLimits.codeGuessesPerSource.take(source);
  if (wait > 0) throw tooManyRequests(wait);
  const email = v.email(input.email);
  const canonical = canonicalSetupCode(input.code);
  if (canonical === '') throw badRequest(CODE_REFUSED);
  const hash = hashSecret(canonical);
  // A miss is written, then refused outside: an error inside would roll its count back.
  const res = await deps.store.write(async (tx) => {
    const links = await tx.auth.liveCodeLinks(email, nowIso());
    const usable = links.filter((l) => l.code_attempts < SIGN_IN_CODE_MAX_MISSES);
    const link = usable.find((l) => safeEqual(l.code_hash, hash));
    if (!link) {
      await tx.auth.countCodeMiss(usable.map((l) => l.id));
      return undefined;
    }
    if (!(await tx.auth.useMagicLink(link.id, nowIso()))) return undefined;
    return signInByEmail(tx, link, userAgent);
  });
  if (!res) throw badRequest(CODE_REFUSED);
  return res;
}

/**
 * Opens a 30-day session for a signed-in user inside the caller's transaction: the body
 * every sign-in endpoint answers with (magic link, password). Only the token's hash is kept.
 */
export async function openSession(
  tx: Repos,
  user: UserRow,
  userAgent = '',
): Promise<MagicConsumeResponse> {
  // Every way in (link, code, password, invite sign-up, single sign-on) comes through here.
  if (user.deactivated_at) throw forbidden(DEACTIVATED);
  const at = nowIso();
  const token = newSecret('sst');
  const session = {
    id: newId('session'),
    token_hash: hashSecret(token),
    user_id: user.id,
    created_at: at,
    expires_at: isoPlus(SESSION_TTL_MS),
    revoked_at: null,
    // What the session list shows to tell devices apart; bounded, it is the client's to say.
    user_agent: userAgent.slice(0, 300),
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
    deps.botUsage.note(tok.id);
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
  // Deactivation revokes every session; this also covers one opened in the same instant.
  if (found.user.deactivated_at) throw unauthenticated(DEACTIVATED);
  deps.sessionUsage.note(found.session.id);
  return { kind: 'human', user: found.user, sessionId: found.session.id, via };
}

/** `GET /api/auth/sessions`: the caller's live sessions, the one they are using marked. */
export async function listSessions(deps: ServiceDeps, actor: Actor): Promise<SessionInfo[]> {
  if (actor.kind !== 'human') throw forbidden('bot tokens have no sessions');
  const rows = await deps.store.read.auth.liveSessions(actor.user.id, nowIso());
  return rows.map((s) => ({
    id: s.id,
    user_agent: s.user_agent,
    created_at: s.created_at,
    ...(s.last_seen_at ? { last_seen_at: s.last_seen_at } : {}),
    expires_at: s.expires_at,
    current: s.id === actor.sessionId,
  }));
}

/** `DELETE /api/auth/sessions/{id}`: signs one of the caller's sessions out, sockets too. */
export async function revokeSessionById(
  deps: ServiceDeps,
  actor: Actor,
  sessionId: string,
): Promise<void> {
  if (actor.kind !== 'human') throw forbidden('bot tokens have no sessions');
  const done = await deps.store.write((tx) =>
    tx.auth.revokeSessionById(actor.user.id, sessionId, nowIso()),
  );
  if (!done) throw notFound('session not found');
  deps.realtime.revokeCredential(sessionId);
}

/** Dev fallback: X-ClickClack-User, else the oldest user. */
export async function devActor(deps: ServiceDeps, userId: string | undefined): Promise<Actor> {
  const db = deps.store.read;
  const user = userId ? await db.users.byId(userId) : await db.users.oldest();
  if (!user || user.deleted_at)
    throw unauthenticated(userId ? 'unknown user' : 'authentication required');
  if (user.deactivated_at) throw unauthenticated(DEACTIVATED);
  return { kind: 'human', user, via: 'dev' };
}
