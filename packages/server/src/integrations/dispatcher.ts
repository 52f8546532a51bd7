import { isoPlus, nowIso } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import { OutboundError, postCallback, type OutboundPolicy } from '../lib/outbound.js';
import { signedHeaders } from '../lib/signing.js';
import { audiences } from '../realtime/audience.js';
import type { Audience } from '../services/context.js';
import { canReceive } from '../services/policies.js';
import { frameFromRow } from '../realtime/frames.js';
import type { DeliveryRow, SubscriptionRow } from '../store/repos/subscriptions.js';
import type { Store } from '../store/store.js';
import { isRetryable, retryDelayMs } from './retry.js';

export interface DispatcherOptions {
  policy: OutboundPolicy;
  /** First retry delay; doubles per attempt (30 s → 8 attempts span about an hour). */
  retryBaseMs: number;
  maxAttempts: number;
  /** Deliveries in flight at once, and per workspace (fairness). */
  concurrency: number;
  perWorkspace: number;
  pollMs: number;
}

export const DISPATCH_DEFAULTS: Omit<DispatcherOptions, 'policy'> = {
  retryBaseMs: 30_000,
  maxAttempts: 8,
  concurrency: 4,
  perWorkspace: 2,
  pollMs: 1000,
};

/**
 * How long a node holds the deliveries it took, at least: far beyond one callback (its
 * policy's timeout, 3 s by default) and the write of its outcome.
 */
const MIN_LEASE_MS = 60_000;

const matches = (sub: SubscriptionRow, type: string): boolean => {
  const types = JSON.parse(sub.event_types_json) as string[];
  return types.includes('*') || types.includes(type);
};

/**
 * Outgoing event subscriptions. The dispatcher reads the event log from its own persisted
 * cursor and turns each matching (subscription, event) pair into a delivery row in the same
 * transaction that advances the cursor, so a restart neither loses nor repeats work. Due
 * deliveries are POSTed signed under the outbound policy and retried with backoff.
 */
export class Dispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private again = false;
  private inflight = 0;
  /** Deliveries in flight per workspace, for the per-workspace cap. */
  private readonly busy = new Map<string, number>();
  private stopped = false;
  private lastSkip = 0;

  constructor(
    private readonly store: Store,
    private readonly opts: DispatcherOptions,
  ) {}

  /** Deliveries this node is sending right now (/metrics). */
  get inFlight(): number {
    return this.inflight;
  }

  async start(): Promise<void> {
    if ((await this.store.read.subscriptions.dispatchCursor()) === undefined) {
      const newest = await this.store.read.events.newestCursor();
      await this.store.write((tx) => tx.subscriptions.skipDispatchCursor(newest));
    }
    this.timer = setInterval(() => this.wake(), this.opts.pollMs);
    this.timer.unref();
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    const deadline = Date.now() + 5000;
    while ((this.running || this.inflight > 0) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.cycle().finally(() => {
      this.running = false;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  private async cycle(): Promise<void> {
    try {
      // Most servers have no subscriptions: then only move the cursor along, at most once per
      // poll, instead of a write transaction per committed event.
      if (!(await this.store.read.subscriptions.anyActive())) {
        if (Date.now() - this.lastSkip >= this.opts.pollMs) {
          this.lastSkip = Date.now();
          const newest = await this.store.read.events.newestCursor();
          if (newest && newest !== (await this.store.read.subscriptions.dispatchCursor())) {
            await this.store.write((tx) => tx.subscriptions.setDispatchCursor(newest));
          }
        }
        await this.deliverDue();
        return;
      }
      while (await this.enqueueBatch());
      await this.deliverDue();
    } catch {
      // Retried on the next tick; state lives in the database.
    }
  }

  /** Moves one batch of new events into the delivery queue. Returns true if it did work. */
  private async enqueueBatch(): Promise<boolean> {
    return this.store.write(async (tx) => {
      const cursor = (await tx.subscriptions.dispatchCursor({ lock: true })) ?? '';
      const rows = await tx.events.allAfter(cursor, 200);
      const last = rows[rows.length - 1];
      if (!last) return false;
      const subs = await tx.subscriptions.activeIn([...new Set(rows.map((r) => r.workspace_id))]);
      const auds = subs.length > 0 ? await audiences(tx, rows) : new Map<string, Audience>();
      const queue = [];
      for (const row of rows) {
        for (const sub of subs) {
          if (
            sub.workspace_id !== row.workspace_id ||
            sub.created_at > row.created_at ||
            !matches(sub, row.type)
          )
            continue;
          // The subscription sees what its creator could see: no private channel or DM
          // events for someone outside it.
          const principal = sub.created_by;
          const audience = auds.get(row.id);
          if (!principal || !audience || !canReceive(audience, principal)) continue;
          if (!(await tx.workspaces.role(row.workspace_id, principal))) continue;
          queue.push({
            id: newId('eventDelivery'),
            subscription_id: sub.id,
            event_id: row.id,
            workspace_id: row.workspace_id,
            event_type: row.type,
            request_json: `{"event":${frameFromRow(row)},"subscription_id":${JSON.stringify(sub.id)}}`,
            next_attempt_at: nowIso(),
            created_at: nowIso(),
          });
        }
      }
      await tx.subscriptions.enqueue(queue);
      await tx.subscriptions.setDispatchCursor(last.cursor);
      return true;
    });
  }

  private async deliverDue(): Promise<void> {
    const free = this.opts.concurrency - this.inflight;
    if (free <= 0) return;
    // This runs after every commit: the write that leases deliveries runs only when the
    // earliest pending one is due (one index lookup).
    const next = await this.store.read.subscriptions.nextDueAt();
    if (next === undefined || next > nowIso()) return;
    // Nodes sharing the database all run a dispatcher: each sends only what it leased, so a
    // delivery is sent once. A node that dies holding a lease leaves it to expire, and the
    // delivery is sent again then.
    const due = await this.store.write(async (tx) => {
      const now = nowIso();
      const rows = await tx.subscriptions.due(now, free, this.opts.perWorkspace, this.busy);
      return tx.subscriptions.lease(
        rows,
        now,
        isoPlus(Math.max(MIN_LEASE_MS, 4 * this.opts.policy.timeoutMs)),
      );
    });
    // Not awaited: a slow receiver holds only its own slot, and each finished delivery wakes
    // the dispatcher to fill it again.
    for (const d of due) void this.deliver(d).finally(() => this.wake());
  }

  private async deliver(d: DeliveryRow): Promise<void> {
    this.inflight++;
    this.busy.set(d.workspace_id, (this.busy.get(d.workspace_id) ?? 0) + 1);
    try {
      const sub = await this.store.read.subscriptions.byId(d.subscription_id);
      const attempt = d.attempts + 1;
      const started = nowIso();
      let status = 0;
      let body = '';
      let error = '';
      let retryable = true;
      if (!sub || sub.revoked_at) {
        error = 'event delivery subscription is no longer active';
      } else {
        try {
          const res = await postCallback(
            sub.callback_url,
            d.request_json,
            {
              ...signedHeaders(sub.signing_secret, d.request_json),
              'x-clickclack-event-id': d.event_id,
            },
            this.opts.policy,
          );
          status = res.status;
          body = res.body;
          if (status < 200 || status >= 300) error = `callback answered ${status}`;
        } catch (err) {
          error =
            err instanceof OutboundError
              ? err.message
              : `callback failed: ${(err as Error).message}`;
          retryable = !(err instanceof OutboundError) || err.retryable;
        }
      }
      const ok = error === '';
      const retry =
        !ok &&
        retryable &&
        sub !== undefined &&
        !sub.revoked_at &&
        isRetryable(status) &&
        attempt < this.opts.maxAttempts;
      await this.store.write(async (tx) => {
        await tx.subscriptions.insertAttempt({
          id: newId('deliveryAttempt'),
          delivery_id: d.id,
          subscription_id: d.subscription_id,
          event_id: d.event_id,
          workspace_id: d.workspace_id,
          event_type: d.event_type,
          attempt,
          request_json: d.request_json,
          response_status: status,
          response_body: body,
          error,
          created_at: started,
          completed_at: nowIso(),
        });
        await tx.subscriptions.updateDelivery(d.id, {
          attempts: attempt,
          state: ok ? 'delivered' : retry ? 'pending' : 'failed',
          next_attempt_at: retry
            ? isoPlus(retryDelayMs(attempt, this.opts.retryBaseMs))
            : d.next_attempt_at,
          completed_at: ok || !retry ? nowIso() : null,
        });
        if (!sub) return;
        if (ok) {
          await tx.subscriptions.update(sub.id, {
            status: 'active',
            consecutive_failures: 0,
            last_success_at: nowIso(),
          });
        } else if (!retry) {
          // Out of retries: the subscriber is failing until a delivery gets through. The
          // count is read again here: `sub` predates the request, and deliveries to one
          // subscription run concurrently.
          const failures = (await tx.subscriptions.byId(sub.id))?.consecutive_failures ?? 0;
          await tx.subscriptions.update(sub.id, {
            status: 'failing',
            consecutive_failures: failures + 1,
            last_failure_at: nowIso(),
          });
        }
      });
    } catch {
      // The outcome was not written: the lease runs out and the delivery is sent again.
    } finally {
      this.inflight--;
      const n = (this.busy.get(d.workspace_id) ?? 1) - 1;
      if (n > 0) this.busy.set(d.workspace_id, n);
      else this.busy.delete(d.workspace_id);
    }
  }
}
