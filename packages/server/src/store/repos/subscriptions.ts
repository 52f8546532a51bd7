import type { Insertable, Selectable } from 'kysely';
import type { Dialect, Executor } from '../executor.js';
import { forUpdate } from '../locks.js';
import type {
  EventDeliveriesTable,
  EventDeliveryAttemptsTable,
  EventSubscriptionsTable,
} from '../schema.js';
import { patchById } from '../patch.js';

export type SubscriptionRow = Selectable<EventSubscriptionsTable>;
export type DeliveryRow = Selectable<EventDeliveriesTable>;
export type AttemptRow = Selectable<EventDeliveryAttemptsTable>;

/** Event subscriptions, their durable delivery queue and the attempt log. */
export class SubscriptionsRepo {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect = 'sqlite',
  ) {}

  async insert(row: Insertable<EventSubscriptionsTable>): Promise<void> {
    await this.db.insertInto('event_subscriptions').values(row).execute();
  }

  byId(id: string): Promise<SubscriptionRow | undefined> {
    return this.db
      .selectFrom('event_subscriptions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
  }

  listActive(workspaceId: string): Promise<SubscriptionRow[]> {
    return this.db
      .selectFrom('event_subscriptions')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('revoked_at', 'is', null)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  /** Active subscriptions of the given workspaces (the dispatcher's matching set). */
  activeIn(workspaceIds: readonly string[]): Promise<SubscriptionRow[]> {
    if (workspaceIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('event_subscriptions')
      .selectAll()
      .where('workspace_id', 'in', [...workspaceIds])
      .where('revoked_at', 'is', null)
      .execute();
  }

  async update(id: string, patch: Partial<SubscriptionRow>): Promise<void> {
    await patchById(this.db, 'event_subscriptions', id, patch);
  }

  async anyActive(): Promise<boolean> {
    const row = await this.db
      .selectFrom('event_subscriptions')
      .select('id')
      .where('revoked_at', 'is', null)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * The dispatcher's place in the log. Read in the write that moves it (`lock`), it stays
   * locked until that commits, so two nodes never queue the same events side by side.
   */
  async dispatchCursor(opts: { lock?: boolean } = {}): Promise<string | undefined> {
    const q = this.db.selectFrom('event_dispatch_state').select('cursor').where('id', '=', 1);
    const row = await (opts.lock ? forUpdate(this.dialect, q) : q).executeTakeFirst();
    return row?.cursor;
  }

  /** Moves the dispatcher's cursor forward only: a node that read the log earlier cannot set it back. */
  async setDispatchCursor(cursor: string): Promise<void> {
    await this.db
      .insertInto('event_dispatch_state')
      .values({ id: 1, cursor })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({ cursor }).where('event_dispatch_state.cursor', '<', cursor),
      )
      .execute();
  }

  /**
   * `setDispatchCursor` where nothing is queued from the events passed over (no
   * subscriptions): best effort, so on PostgreSQL a row another transaction holds is left
   * for the next pass rather than waited for (that wait deadlocked with another node's posts).
   */
  async skipDispatchCursor(cursor: string): Promise<void> {
    if (this.dialect !== 'postgres') return this.setDispatchCursor(cursor);
    const res = await this.db
      .updateTable('event_dispatch_state')
      .set({ cursor })
      .where(
        'id',
        'in',
        this.db
          .selectFrom('event_dispatch_state')
          .select('id')
          .where('id', '=', 1)
          .where('cursor', '<', cursor)
          .forUpdate()
          .skipLocked(),
      )
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) > 0) return;
    await this.db
      .insertInto('event_dispatch_state')
      .values({ id: 1, cursor })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  async enqueue(rows: Insertable<EventDeliveriesTable>[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insertInto('event_deliveries')
      .values(rows)
      .onConflict((oc) => oc.columns(['subscription_id', 'event_id']).doNothing())
      .execute();
  }

  /**
   * Due deliveries, oldest first, at most `limit`, and from each workspace no more than
   * `perWorkspace` less what `busy` says it has in flight, so one busy or slow workspace
   * cannot starve the others.
   */
  async due(
    now: string,
    limit: number,
    perWorkspace: number,
    busy: ReadonlyMap<string, number> = new Map(),
  ): Promise<DeliveryRow[]> {
    const full = [...busy].filter(([, n]) => n >= perWorkspace).map(([ws]) => ws);
    let q = this.db
      .selectFrom('event_deliveries')
      .selectAll()
      .where('state', '=', 'pending')
      .where('next_attempt_at', '<=', now);
    if (full.length > 0) q = q.where('workspace_id', 'not in', full);
    const rows = await q
      .orderBy('next_attempt_at')
      .limit(limit * 4)
      .execute();
    const taken = new Map(busy);
    const out: DeliveryRow[] = [];
    for (const r of rows) {
      const n = taken.get(r.workspace_id) ?? 0;
      if (n >= perWorkspace) continue;
      taken.set(r.workspace_id, n + 1);
      out.push(r);
      if (out.length >= limit) break;
    }
    return out;
  }

  /** The delivery queue for /metrics: pending deliveries and when the oldest was queued. */
  async pendingDeliveries(): Promise<{ count: number; oldest: string | undefined }> {
    const row = await this.db
      .selectFrom('event_deliveries')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('created_at').as('oldest')])
      .where('state', '=', 'pending')
      .executeTakeFirst();
    return { count: Number(row?.n ?? 0), oldest: row?.oldest ?? undefined };
  }

  async nextDueAt(): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('event_deliveries')
      .select((eb) => eb.fn.min('next_attempt_at').as('at'))
      .where('state', '=', 'pending')
      .executeTakeFirst();
    return row?.at ?? undefined;
  }

  /**
   * Takes those of `rows` still due at `now` for one node until `until`: they stop being due,
   * so no other node (nor this one) sends them meanwhile. Returns the ones taken: a node
   * leasing the same rows side by side waits for this one's row locks, then finds them no
   * longer due.
   */
  async lease(rows: readonly DeliveryRow[], now: string, until: string): Promise<DeliveryRow[]> {
    if (rows.length === 0) return [];
    const taken = await this.db
      .updateTable('event_deliveries')
      .set({ next_attempt_at: until })
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .where('state', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .returning('id')
      .execute();
    const ids = new Set(taken.map((t) => t.id));
    return rows.filter((r) => ids.has(r.id));
  }

  async updateDelivery(id: string, patch: Partial<DeliveryRow>): Promise<void> {
    await patchById(this.db, 'event_deliveries', id, patch);
  }

  async insertAttempt(row: Insertable<EventDeliveryAttemptsTable>): Promise<void> {
    await this.db.insertInto('event_delivery_attempts').values(row).execute();
  }

  /** Attempts newest first; `before` is an attempt id from a previous page. */
  async attempts(
    subscriptionId: string,
    limit: number,
    before?: AttemptRow,
  ): Promise<AttemptRow[]> {
    let q = this.db
      .selectFrom('event_delivery_attempts')
      .selectAll()
      .where('subscription_id', '=', subscriptionId);
    if (before) {
      q = q.where((eb) =>
        eb.or([
          eb('created_at', '<', before.created_at),
          eb.and([eb('created_at', '=', before.created_at), eb('id', '<', before.id)]),
        ]),
      );
    }
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }

  attemptById(id: string): Promise<AttemptRow | undefined> {
    return this.db
      .selectFrom('event_delivery_attempts')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
  }
}
