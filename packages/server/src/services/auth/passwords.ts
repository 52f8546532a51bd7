import type {
  ChangePasswordBody,
  MagicConsumeResponse,
  OkResponse,
  PasswordLoginBody,
} from '@clickclack/protocol';
import { nowIso } from '../../lib/clock.js';
import { hashPassword, verifyPassword } from '../../lib/passwords.js';
import { FailureBackoff, WindowLimiter } from '../../lib/rate-limit.js';
import type { Repos } from '../../store/store.js';
import type { UserRow } from '../../store/repos/users.js';
import type { Actor } from '../actor.js';
import { openSession } from './auth.js';
import type { PasswordGuard, ServiceDeps } from '../context.js';
import { badRequest, DomainError, rateLimited, unauthenticated } from '../errors.js';
import { assertHuman } from '../policies.js';

export const PASSWORD_MIN_CHARS = 8;
export const PASSWORD_MAX_CHARS = 256;
/** Also the answer for "no such user" and "no password": which one it was stays unsaid. */
export const LOGIN_FAILED = 'invalid email, handle or password';

/**
 * Whether password login is on, and the in-memory budgets of password guessing: 20 logins a
 * minute per client address, and failures counted per account *and* address. After 5 of
 * those each further one doubles that pair's wait (1 s, 2 s, … 15 min). Nothing locks an
 * account outright: a hard per-account lock would let anyone lock out anyone, the owner
 * included, while the owner's own address keeps its own budget here. The HTTP app always
 * has one, so a wrong current password at `change` is counted even where login is off.
 */
export const newPasswordGuard = (loginEnabled: boolean): PasswordGuard => ({
  loginEnabled,
  perIp: new WindowLimiter(20, 60_000),
  failures: new FailureBackoff(5, 1000, 15 * 60_000, 60 * 60_000),
});

const tooMany = (retryAfter: number) =>
  rateLimited('too many sign-in attempts; try again later', retryAfter);

/** Code points, not UTF-16 units: an emoji is one character of a password. */
const chars = (s: string): number => [...s].length;

/** 8–256 code points, kept exactly as typed (spaces are password characters too). */
export function validNewPassword(plain: string, field = 'password'): string {
  const n = chars(plain);
  if (n < PASSWORD_MIN_CHARS)
    throw badRequest(`${field} must be at least ${PASSWORD_MIN_CHARS} characters`);
  if (n > PASSWORD_MAX_CHARS)
    throw badRequest(`${field} must be at most ${PASSWORD_MAX_CHARS} characters`);
  return plain;
}

/** A live human by email (has an `@`) or handle (a leading `@` allowed); bots never match. */
export async function humanByIdentifier(
  db: Repos,
  identifier: string,
): Promise<UserRow | undefined> {
  const id = identifier.trim().toLowerCase();
  if (id === '') return undefined;
  const user = /^@?[^@]+$/.test(id)
    ? await db.users.byHandle(id.replace(/^@/, ''))
    : await db.users.byEmail(id);
  // A deactivated account fails like a wrong password: sign-in is refused, nothing said.
  return user && user.kind === 'human' && !user.deleted_at && !user.deactivated_at
    ? user
    : undefined;
}

/**
 * `POST /api/auth/password/login`. Every failure is the same 401 after the same hash work;
 * failures count against the account and address (the identifier when there is no account,
 * so unknown names back off alike), and a success clears that count.
 */
export async function passwordLogin(
  deps: ServiceDeps,
  body: PasswordLoginBody,
  clientIp: string,
  userAgent = '',
): Promise<MagicConsumeResponse> {
  const guard = deps.passwordGuard;
  if (!guard.loginEnabled) throw new DomainError('not_implemented', 'password login is disabled');
  const ipWait = guard.perIp.take(clientIp);
  if (ipWait > 0) throw tooMany(ipWait);
  const user = await humanByIdentifier(deps.store.read, body.identifier);
  const account = user ? `user:${user.id}` : `name:${body.identifier.trim().toLowerCase()}`;
  const key = `${account} ${clientIp}`;
  const backoff = guard.failures.retryAfter(key);
  if (backoff > 0) throw tooMany(backoff);
  // Read even for no user, so both paths run the same statements.
  const stored = await deps.store.read.auth.passwordHash(user?.id ?? '');
  const ok =
    (await verifyPassword(stored, body.password)) && chars(body.password) <= PASSWORD_MAX_CHARS;
  if (!ok || !user) {
    guard.failures.fail(key);
    throw unauthenticated(LOGIN_FAILED);
  }
  guard.failures.reset(key);
  return deps.store.write((tx) => openSession(tx, user, userAgent));
}

/**
 * `POST /api/auth/password/change`: needs the current password (wrong ones back off like
 * login failures, so a stolen session cannot guess it quickly), then signs every other
 * session of the user out and closes their sockets. The caller's own session stays.
 */
export async function changePassword(
  deps: ServiceDeps,
  actor: Actor,
  body: ChangePasswordBody,
  clientIp: string,
): Promise<OkResponse> {
  assertHuman(actor, 'bot tokens cannot change passwords');
  const user = actor.user;
  const next = validNewPassword(body.new_password, 'new_password');
  const key = `user:${user.id} ${clientIp}`;
  const wait = deps.passwordGuard.failures.retryAfter(key);
  if (wait > 0) throw tooMany(wait);
  const stored = await deps.store.read.auth.passwordHash(user.id);
  if (!stored) {
    throw badRequest(
      'no password is set for this account; an administrator sets the first one with `clickclack admin user set-password`',
    );
  }
  if (!(await verifyPassword(stored, body.current_password))) {
    deps.passwordGuard.failures.fail(key);
    throw badRequest('current_password is incorrect');
  }
  const hash = await hashPassword(next);
  const keep = actor.kind === 'human' ? actor.sessionId : undefined;
  const revoked = await deps.store.write(async (tx) => {
    await tx.auth.setPassword(user.id, hash, nowIso());
    return tx.auth.revokeUserSessions(user.id, keep, nowIso());
  });
  for (const id of revoked) deps.realtime.revokeCredential(id);
  return { ok: true };
}

/** `admin user set-password`: sets (or with `null` clears) a human's password; nothing else. */
export async function setPassword(
  deps: ServiceDeps,
  user: UserRow,
  plain: string | null,
): Promise<void> {
  if (user.kind !== 'human') throw badRequest('bots cannot have a password');
  if (plain === null) {
    await deps.store.write((tx) => tx.auth.clearPassword(user.id));
    return;
  }
  const hash = await hashPassword(validNewPassword(plain));
  await deps.store.write((tx) => tx.auth.setPassword(user.id, hash, nowIso()));
}
