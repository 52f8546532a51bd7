import { createHmac } from 'node:crypto';
import type {
  EmailNotificationSettings,
  UpdateEmailNotificationSettingsBody,
} from '@clickclack/protocol';
import { nowIso } from '../../lib/clock.js';
import { safeEqual } from '../../lib/tokens.js';
import type { EmailSettingsRow } from '../../store/repos/email-notify.js';
import type { UserRow } from '../../store/repos/users.js';
import type { Actor } from '../actor.js';
import type { ServiceDeps } from '../context.js';
import { badRequest } from '../errors.js';
import { assertHuman } from '../policies.js';

/** The longest a person may ask the server to wait before mailing them: one day. */
export const MAX_EMAIL_DELAY_SECONDS = 86_400;

/** Humans are mailed unless they turned it off; bots never (they have no inbox to read). */
export function emailSettingsOf(
  user: UserRow,
  row: EmailSettingsRow | undefined,
  defaultDelayMs: number,
): EmailNotificationSettings {
  return {
    enabled: user.kind === 'human' && (row ? row.enabled === 1 : true),
    delay_seconds: row?.delay_seconds ?? Math.round(defaultDelayMs / 1000),
  };
}

/** `serve --email-notify-delay` unless set. */
export const DEFAULT_EMAIL_NOTIFY_DELAY_MS = 10 * 60_000;

export async function getEmailNotifications(
  deps: ServiceDeps,
  actor: Actor,
): Promise<EmailNotificationSettings> {
  assertHuman(actor, 'bot tokens have no email notifications');
  const row = await deps.store.read.emailNotify.settings(actor.user.id);
  return emailSettingsOf(actor.user, row, deps.emailNotifyDelayMs);
}

export async function updateEmailNotifications(
  deps: ServiceDeps,
  actor: Actor,
  body: UpdateEmailNotificationSettingsBody,
): Promise<EmailNotificationSettings> {
  assertHuman(actor, 'bot tokens have no email notifications');
  const delay = body.delay_seconds;
  if (typeof delay === 'number' && (delay < 0 || delay > MAX_EMAIL_DELAY_SECONDS))
    throw badRequest(`delay_seconds must be between 0 and ${MAX_EMAIL_DELAY_SECONDS}`);
  const row = await deps.store.write(async (tx) => {
    const before = await tx.emailNotify.settings(actor.user.id);
    const next: EmailSettingsRow = {
      user_id: actor.user.id,
      enabled: body.enabled === undefined ? (before?.enabled ?? 1) : body.enabled ? 1 : 0,
      delay_seconds: delay === undefined ? (before?.delay_seconds ?? null) : delay,
      updated_at: nowIso(),
    };
    await tx.emailNotify.saveSettings(next);
    return next;
  });
  return emailSettingsOf(actor.user, row, deps.emailNotifyDelayMs);
}

const mac = (secret: string, userId: string): string =>
  createHmac('sha256', secret).update(`unsubscribe:${userId}`).digest('base64url');

/**
 * The token of an email's unsubscribe link: the user id signed with the notifier's key, so
 * the link works without signing in and cannot be made up for someone else. It does not
 * expire: an old email's link still turns the mail off.
 */
export const unsubscribeToken = (secret: string, userId: string): string =>
  `${userId}.${mac(secret, userId)}`;

/** The user an unsubscribe token names, if its signature holds. */
async function unsubscribeUser(deps: ServiceDeps, token: string): Promise<string | undefined> {
  const dot = token.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const userId = token.slice(0, dot);
  const state = await deps.store.read.emailNotify.state();
  if (!state || !safeEqual(token.slice(dot + 1), mac(state.signing_secret, userId)))
    return undefined;
  return userId;
}

/** The unsubscribe link's POST: turns email when away off for the user it was sent to. */
export async function unsubscribeByToken(deps: ServiceDeps, token: string): Promise<void> {
  const userId = await unsubscribeUser(deps, token.trim());
  if (!userId) throw badRequest('unsubscribe link is invalid');
  await deps.store.write(async (tx) => {
    if (!(await tx.users.byId(userId))) return;
    const before = await tx.emailNotify.settings(userId);
    await tx.emailNotify.saveSettings({
      user_id: userId,
      enabled: 0,
      delay_seconds: before?.delay_seconds ?? null,
      updated_at: nowIso(),
    });
  });
}

/** Whether the link of an unsubscribe page is genuine (the page offers the button only then). */
export async function validUnsubscribeToken(deps: ServiceDeps, token: string): Promise<boolean> {
  return (await unsubscribeUser(deps, token.trim())) !== undefined;
}
