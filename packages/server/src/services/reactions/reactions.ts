import {
  ZERO_EVENT,
  type ReactionListResponse,
  type ReactionsResponse,
} from '@clickclack/protocol';
import { nowIso } from '../../lib/clock.js';
import type { Actor } from '../actor.js';
import type { Outcome, ServiceDeps } from '../context.js';
import { badRequest } from '../errors.js';
import { messageEventScope, messageRef } from '../messages/scope.js';
import { assertScope, assertUnrestricted, requireReadableMessage } from '../policies.js';
import { reactionSummaries } from '../present.js';

const SHORTCODE = /^:?[a-z0-9_+-]{1,64}:?$/;
const EMOJI =
  /^(?:\p{Extended_Pictographic}|\p{Regional_Indicator}|\p{Emoji_Modifier}|\u200D|\uFE0F|\u20E3|[#*0-9])+$/u;

/** A Unicode emoji (with modifiers and joiners), or a `:shortcode:` (colons optional). */
export function validEmoji(raw: string): string {
  const e = raw.trim();
  if (e === '') throw badRequest('emoji is required');
  if (Buffer.byteLength(e) > 64) throw badRequest('emoji is too long');
  const isShortcode = SHORTCODE.test(e) && !/^[0-9#*]+$/.test(e);
  if (
    !isShortcode &&
    !(EMOJI.test(e) && /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3/u.test(e))
  ) {
    throw badRequest('emoji must be a Unicode emoji or a :shortcode:');
  }
  return e;
}

async function react(
  deps: ServiceDeps,
  actor: Actor,
  messageId: string,
  rawEmoji: string,
  add: boolean,
) {
  assertScope(actor, 'messages:write');
  const emoji = validEmoji(rawEmoji);
  const res = await deps.store.write(async (tx) => {
    const { message } = await requireReadableMessage(tx, actor, messageId);
    if (message.direct_conversation_id) assertScope(actor, 'dms:write');
    await assertUnrestricted(tx, message.workspace_id, actor.user.id);
    if (add && message.deleted_at) throw badRequest('deleted messages cannot be reacted to');
    const changed = add
      ? await tx.messaging.addReaction(message.id, actor.user.id, emoji, nowIso())
      : await tx.messaging.removeReaction(message.id, actor.user.id, emoji);
    const summaries =
      (await reactionSummaries(tx, [message.id], actor.user.id)).get(message.id) ?? [];
    if (!changed) return { event: undefined, summaries };
    const event = await tx.events.append({
      ...(await messageEventScope(tx, message)),
      type: add ? 'reaction.added' : 'reaction.removed',
      payload: {
        ...messageRef(message),
        emoji,
        user_id: actor.user.id,
        count: summaries.find((s) => s.emoji === emoji)?.count ?? 0,
      },
    });
    return { event, summaries };
  });
  return {
    changed: res.event !== undefined,
    response: { event: res.event ?? ZERO_EVENT, reactions: res.summaries },
  };
}

/** Created, with an event, when added; not created, with a zero event, when already there. */
export async function addReaction(
  deps: ServiceDeps,
  actor: Actor,
  messageId: string,
  emoji: string,
): Promise<Outcome<ReactionsResponse>> {
  const r = await react(deps, actor, messageId, emoji, true);
  return { created: r.changed, response: r.response };
}

export async function removeReaction(
  deps: ServiceDeps,
  actor: Actor,
  messageId: string,
  emoji: string,
): Promise<ReactionsResponse> {
  return (await react(deps, actor, messageId, emoji, false)).response;
}

/** Reaction summaries plus who reacted, oldest reaction first. */
export async function listReactions(
  deps: ServiceDeps,
  actor: Actor,
  messageId: string,
): Promise<ReactionListResponse> {
  assertScope(actor, 'messages:read');
  const db = deps.store.read;
  const { message } = await requireReadableMessage(db, actor, messageId);
  const summaries =
    (await reactionSummaries(db, [message.id], actor.user.id)).get(message.id) ?? [];
  const who = await db.messaging.reactors(message.id);
  return {
    reactions: summaries.map((s) => ({
      ...s,
      user_ids: who.filter((w) => w.emoji === s.emoji).map((w) => w.user_id),
    })),
  };
}
