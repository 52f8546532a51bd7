import {
  DURABLE_EVENT_TYPES,
  EPHEMERAL_EVENT_TYPES,
  type EphemeralBody,
  type Event,
  type EventListQuery,
  type EventPage,
} from '@clickclack/protocol';
import { newEphemeralId } from '../../lib/ids.js';
import { eventFromRow } from '../../store/repos/events.js';
import type { Actor } from '../actor.js';
import type { Audience, ServiceDeps } from '../context.js';
import { DomainError, badRequest, forbidden } from '../errors.js';
import {
  assertScope,
  assertUnrestricted,
  canReceive,
  channelAudience,
  dmAudience,
  requireMember,
  requireReadableChannel,
} from '../policies.js';

export const MAX_PULL_WAIT_S = 30;
export const MAX_EPHEMERAL_PAYLOAD_BYTES = 8 * 1024;

function pullLimit(raw: string | undefined): number {
  if (raw === undefined || !/^\d+$/.test(raw)) return 200;
  const n = Number(raw);
  return n >= 1 && n <= 500 ? n : 200;
}

function waitSeconds(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 0;
  if (!/^\d+$/.test(raw)) throw badRequest('wait must be a whole number of seconds');
  return Math.min(Number(raw), MAX_PULL_WAIT_S);
}

/** Throws 410 when a cursor is not (or no longer) in the workspace's log. */
async function assertCursorKnown(
  deps: ServiceDeps,
  workspaceId: string,
  cursor: string,
): Promise<void> {
  if (cursor !== '' && !(await deps.store.read.events.exists(workspaceId, cursor))) {
    throw new DomainError('cursor_gone', 'cursor not found (pruned or unknown); resync required');
  }
}

/**
 * One page of the events the caller may see after `after_cursor`. With `wait`, an empty
 * page is held open until a visible event commits or the wait runs out.
 */
export async function listEvents(
  deps: ServiceDeps,
  actor: Actor,
  query: EventListQuery,
): Promise<EventPage> {
  assertScope(actor, 'realtime:read');
  const db = deps.store.read;
  const workspaceId = query.workspace_id.trim();
  if (workspaceId === '') throw badRequest('workspace_id is required');
  await requireMember(db, actor, workspaceId);
  const after = (query.after_cursor ?? '').trim();
  await assertCursorKnown(deps, workspaceId, after);
  const limit = pullLimit(query.limit);
  const deadline = Date.now() + waitSeconds(query.wait) * 1000;
  for (;;) {
    // Captured before the page so a socket opened from it misses nothing.
    const tail = await db.events.visibleTail(workspaceId, actor.user.id);
    const rows = await db.events.visibleAfter(workspaceId, actor.user.id, after, limit + 1);
    const remaining = deadline - Date.now();
    if (rows.length > 0 || remaining <= 0) {
      return {
        events: rows.slice(0, limit).map(eventFromRow),
        has_more: rows.length > limit,
        tail_cursor: tail,
      };
    }
    // Shutting down: answer now with what there is (nothing yet) rather than hold the close.
    if (!(await deps.realtime.waitForEvents(workspaceId, remaining)))
      return { events: [], has_more: false, tail_cursor: tail };
  }
}

export function eventTypes(actor: Actor): string[] {
  assertScope(actor, 'realtime:read');
  return [...DURABLE_EVENT_TYPES];
}

/**
 * Typing, presence and agent progress: validated like a write, rewritten so the sender
 * cannot be spoofed, delivered to the same audience as a durable event, never stored.
 */
export async function publishEphemeral(
  deps: ServiceDeps,
  actor: Actor,
  body: EphemeralBody,
): Promise<Event> {
  assertScope(actor, 'messages:write');
  if (!(EPHEMERAL_EVENT_TYPES as readonly string[]).includes(body.type)) {
    throw badRequest('unsupported ephemeral event type');
  }
  if (body.type === 'agent.progress' && actor.kind !== 'bot')
    throw forbidden('agent.progress requires a bot token');
  const db = deps.store.read;
  const workspaceId = body.workspace_id.trim();
  await requireMember(db, actor, workspaceId);
  // Typing and presence are writes others see: a blocked or timed-out member sends none.
  await assertUnrestricted(db, workspaceId, actor.user.id);
  const channelId = (body.channel_id ?? '').trim();
  const dmId = (body.direct_conversation_id ?? '').trim();
  if (channelId && dmId)
    throw badRequest('channel_id and direct_conversation_id are mutually exclusive');
  if (!channelId && !dmId && body.type !== 'presence.changed') {
    throw badRequest(
      `${body.type.split('.')[0] === 'typing' ? 'typing events' : body.type} require channel_id or direct_conversation_id`,
    );
  }
  const payload: Record<string, unknown> = { ...(body.payload ?? {}), user_id: actor.user.id };
  delete payload.channel_id;
  delete payload.direct_conversation_id;
  if (Buffer.byteLength(JSON.stringify(payload)) > MAX_EPHEMERAL_PAYLOAD_BYTES) {
    throw new DomainError(
      'payload_too_large',
      `ephemeral payload is over ${MAX_EPHEMERAL_PAYLOAD_BYTES} bytes`,
    );
  }
  let audience: Audience = 'workspace';
  if (channelId) {
    const { channel } = await requireReadableChannel(db, actor, channelId);
    if (channel.workspace_id !== workspaceId) throw forbidden('channel is not in this workspace');
    payload.channel_id = channelId;
    audience = await channelAudience(db, channel);
  } else if (dmId) {
    assertScope(actor, 'dms:write');
    audience = await dmAudience(db, dmId, workspaceId);
    if (!canReceive(audience, actor.user.id)) throw forbidden('not a member of this conversation');
    // Its members would otherwise see it among another workspace's events.
    if ((await db.dms.byId(dmId))?.workspace_id !== workspaceId)
      throw forbidden('conversation is not in this workspace');
    payload.direct_conversation_id = dmId;
  }
  const event: Event = {
    id: newEphemeralId(),
    cursor: '',
    type: body.type,
    workspace_id: workspaceId,
    ...(channelId ? { channel_id: channelId } : {}),
    created_at: new Date().toISOString(),
    payload,
  };
  deps.realtime.publishEphemeral(workspaceId, JSON.stringify(event), audience);
  return event;
}

export async function presence(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
): Promise<string[]> {
  assertScope(actor, 'realtime:read');
  await requireMember(deps.store.read, actor, workspaceId);
  return deps.realtime.presentUsers(workspaceId);
}
