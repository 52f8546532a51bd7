import type { Me, SetStatusBody } from '@clickclack/protocol';
import { isoPlus, nowIso } from '../../lib/clock.js';
import type { UserRow } from '../../store/repos/users.js';
import type { Actor } from '../actor.js';
import type { ServiceDeps } from '../context.js';
import { badRequest } from '../errors.js';
import { assertHuman } from '../policies.js';
import { announceUserUpdated, getMe } from './users.js';

/** Slack's limit on a status text. */
export const STATUS_TEXT_MAX = 100;
const YEAR_MS = 366 * 24 * 3600 * 1000;
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
const PICTOGRAPHIC = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;

function statusEmoji(raw: string | undefined): string {
  const v = (raw ?? '').trim();
  if (v === '') return '';
  const count = [...graphemes.segment(v)].length;
  if (count !== 1 || !PICTOGRAPHIC.test(v)) throw badRequest('status emoji must be one emoji');
  return v;
}

function statusText(raw: string | undefined): string {
  const v = (raw ?? '').trim();
  if ([...v].length > STATUS_TEXT_MAX) {
    throw badRequest(`status text is too long (max ${STATUS_TEXT_MAX} characters)`);
  }
  if (/\p{Cc}/u.test(v))
    throw badRequest('status text must be one line without control characters');
  return v;
}

function statusExpiry(raw: string | undefined): string | null {
  if (raw === undefined || raw.trim() === '') return null;
  const at = new Date(raw);
  if (Number.isNaN(at.getTime())) throw badRequest('expires_at must be an ISO 8601 time');
  const iso = at.toISOString();
  if (iso <= nowIso()) throw badRequest('expires_at must be in the future');
  if (iso > isoPlus(YEAR_MS)) throw badRequest('expires_at must be within a year');
  return iso;
}

/** Sets (or, with neither emoji nor text, clears) the caller's status; members see it live. */
export async function setMyStatus(
  deps: ServiceDeps,
  actor: Actor,
  body: SetStatusBody,
): Promise<Me> {
  assertHuman(actor, 'bot tokens cannot set a status');
  const emoji = statusEmoji(body.emoji);
  const text = statusText(body.text);
  const cleared = emoji === '' && text === '';
  const patch = {
    status_emoji: emoji,
    status_text: text,
    status_expires_at: cleared ? null : statusExpiry(body.expires_at),
  };
  await deps.store.write(async (tx) => {
    const before = (await tx.users.byId(actor.user.id)) as UserRow;
    const same =
      before.status_emoji === patch.status_emoji &&
      before.status_text === patch.status_text &&
      before.status_expires_at === patch.status_expires_at;
    if (same) return;
    await tx.users.update(actor.user.id, patch);
    await announceUserUpdated(tx, { ...before, ...patch });
  });
  return getMe(deps, { ...actor, user: { ...actor.user, ...patch } });
}
