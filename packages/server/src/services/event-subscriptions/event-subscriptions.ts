import {
  DURABLE_EVENT_TYPES,
  type CreateEventSubscriptionBody,
  type DeliveriesQuery,
  type DeliveriesResponse,
  type DeliveryAttempt,
  type EventSubscription,
} from '@clickclack/protocol';
import { nowIso } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { assertCallbackUrl, OutboundError } from '../../lib/outbound.js';
import { newSecret } from '../../lib/tokens.js';
import type { AttemptRow, SubscriptionRow } from '../../store/repos/subscriptions.js';
import type { Repos } from '../../store/store.js';
import type { Actor } from '../actor.js';
import type { ServiceDeps } from '../context.js';
import { badRequest, forbidden, notFound } from '../errors.js';
import { assertHuman, isManagerRole, requireManager, requireMember } from '../policies.js';

export const MAX_SUBSCRIPTIONS_PER_WORKSPACE = 25;

/** Like a slash command: the callback URL to managers only, the secret only when made. */
export function presentSubscription(
  row: SubscriptionRow,
  show: { secret?: boolean; settings: boolean },
): EventSubscription {
  return {
    id: row.id,
    workspace_id: row.workspace_id,
    ...(row.app_installation_id ? { app_installation_id: row.app_installation_id } : {}),
    event_types: JSON.parse(row.event_types_json) as string[],
    ...(show.settings ? { callback_url: row.callback_url } : {}),
    ...(show.secret ? { signing_secret: row.signing_secret } : {}),
    ...(row.created_by ? { created_by: row.created_by } : {}),
    created_at: row.created_at,
    ...(row.revoked_at ? { revoked_at: row.revoked_at } : {}),
    status: row.status,
    consecutive_failures: row.consecutive_failures,
    ...(row.last_success_at ? { last_success_at: row.last_success_at } : {}),
    ...(row.last_failure_at ? { last_failure_at: row.last_failure_at } : {}),
  };
}

function presentAttempt(a: AttemptRow): DeliveryAttempt {
  return {
    id: a.id,
    subscription_id: a.subscription_id,
    event_id: a.event_id,
    workspace_id: a.workspace_id,
    event_type: a.event_type,
    attempt: a.attempt,
    request_json: a.request_json,
    response_status: a.response_status,
    ...(a.response_body ? { response_body: a.response_body } : {}),
    ...(a.error ? { error: a.error } : {}),
    created_at: a.created_at,
    completed_at: a.completed_at,
  };
}

function eventTypes(raw: readonly string[]): string[] {
  const known = new Set<string>([...DURABLE_EVENT_TYPES, '*']);
  const out = [...new Set(raw.map((t) => t.trim()).filter((t) => t !== ''))];
  if (out.length === 0) throw badRequest('event_types must name at least one event type');
  for (const t of out) if (!known.has(t)) throw badRequest(`unknown event type "${t}"`);
  return out.sort();
}

function callbackUrl(raw: string): string {
  try {
    return assertCallbackUrl(raw.trim()).toString();
  } catch (err) {
    if (err instanceof OutboundError) throw badRequest(err.message);
    throw err;
  }
}

export async function createSubscription(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
  body: CreateEventSubscriptionBody,
): Promise<EventSubscription> {
  const types = eventTypes(body.event_types);
  const url = callbackUrl(body.callback_url);
  return deps.store.write(async (tx) => {
    await requireManager(tx, actor, workspaceId, 'event subscriptions');
    if (
      (await tx.subscriptions.listActive(workspaceId)).length >= MAX_SUBSCRIPTIONS_PER_WORKSPACE
    ) {
      throw badRequest('event subscription quota exceeded');
    }
    const row: SubscriptionRow = {
      id: newId('eventSubscription'),
      workspace_id: workspaceId,
      app_installation_id: body.app_installation_id?.trim() || null,
      event_types_json: JSON.stringify(types),
      callback_url: url,
      signing_secret: newSecret('ccs'),
      created_by: actor.user.id,
      created_at: nowIso(),
      revoked_at: null,
      status: 'active',
      consecutive_failures: 0,
      last_success_at: null,
      last_failure_at: null,
    };
    await tx.subscriptions.insert(row);
    await tx.audit.record({
      workspaceId,
      actorUserId: actor.user.id,
      action: 'event_subscription.created',
      targetType: 'event_subscription',
      targetId: row.id,
      metadata: { event_types: types, callback_url: url },
    });
    return presentSubscription(row, { secret: true, settings: true });
  });
}

export async function listSubscriptions(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
): Promise<EventSubscription[]> {
  assertHuman(actor, 'bot tokens cannot list event subscriptions');
  const settings = isManagerRole(await requireMember(deps.store.read, actor, workspaceId));
  return (await deps.store.read.subscriptions.listActive(workspaceId)).map((r) =>
    presentSubscription(r, { settings }),
  );
}

async function managedSubscription(tx: Repos, actor: Actor, id: string): Promise<SubscriptionRow> {
  assertHuman(actor, 'bot tokens cannot manage event subscriptions');
  const row = await tx.subscriptions.byId(id);
  if (!row || !(await tx.workspaces.role(row.workspace_id, actor.user.id)))
    throw notFound('event subscription not found');
  await requireManager(tx, actor, row.workspace_id, 'event subscriptions');
  return row;
}

export async function revokeSubscription(
  deps: ServiceDeps,
  actor: Actor,
  id: string,
): Promise<EventSubscription> {
  return deps.store.write(async (tx) => {
    const row = await managedSubscription(tx, actor, id);
    if (!row.revoked_at) {
      row.revoked_at = nowIso();
      await tx.subscriptions.update(id, { revoked_at: row.revoked_at });
      await tx.audit.record({
        workspaceId: row.workspace_id,
        actorUserId: actor.user.id,
        action: 'event_subscription.revoked',
        targetType: 'event_subscription',
        targetId: id,
      });
    }
    return presentSubscription(row, { settings: true });
  });
}

export async function rotateSubscriptionSecret(
  deps: ServiceDeps,
  actor: Actor,
  id: string,
): Promise<EventSubscription> {
  return deps.store.write(async (tx) => {
    const row = await managedSubscription(tx, actor, id);
    if (row.revoked_at) throw badRequest('event subscription is revoked');
    row.signing_secret = newSecret('ccs');
    await tx.subscriptions.update(id, { signing_secret: row.signing_secret });
    await tx.audit.record({
      workspaceId: row.workspace_id,
      actorUserId: actor.user.id,
      action: 'event_subscription.secret_rotated',
      targetType: 'event_subscription',
      targetId: id,
    });
    return presentSubscription(row, { secret: true, settings: true });
  });
}

export async function listDeliveries(
  deps: ServiceDeps,
  actor: Actor,
  id: string,
  query: DeliveriesQuery,
): Promise<DeliveriesResponse> {
  assertHuman(actor, 'bot tokens cannot read delivery logs');
  const db = deps.store.read;
  const sub = await db.subscriptions.byId(id);
  const role = sub && (await db.workspaces.role(sub.workspace_id, actor.user.id));
  if (!sub || !role) throw notFound('event subscription not found');
  // The log holds event metadata the creator could see (private channels, DMs) and the
  // receiver's answers: only its creator and the workspace's managers read it. Other
  // members see the subscription listed, so theirs is a 403, not a 404.
  if (sub.created_by !== actor.user.id && !isManagerRole(role))
    throw forbidden('only the subscription creator and workspace managers can read deliveries');
  const raw = Number(query.limit ?? '50');
  const limit = Number.isInteger(raw) && raw > 0 ? Math.min(raw, 200) : 50;
  let before: AttemptRow | undefined;
  if (query.before) {
    before = await db.subscriptions.attemptById(query.before);
    if (!before || before.subscription_id !== id) throw badRequest('unknown delivery cursor');
  }
  const rows = await db.subscriptions.attempts(id, limit + 1, before);
  const page = rows.slice(0, limit);
  return {
    deliveries: page.map(presentAttempt),
    next_cursor: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null,
  };
}
