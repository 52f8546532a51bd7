import type { Insertable, Selectable } from 'kysely';
import type { Dialect, Executor } from '../executor.js';
import { forUpdate } from '../locks.js';
import type {
  EmailNotificationSettingsTable,
  EmailNotificationsTable,
  EmailNotifyStateTable,
} from '../schema.js';

export type EmailNotificationRow = Selectable<EmailNotificationsTable>;
export type EmailSettingsRow = Selectable<EmailNotificationSettingsTable>;
export type EmailNotifyStateRow = Selectable<EmailNotifyStateTable>;

/** Email when away: per-user settings, the notifier's cursor and key, and its queue. */
export class EmailNotifyRepo {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect = 'sqlite',
  ) {}

  settings(userId: string): Promise<EmailSettingsRow | undefined> {
    return this.db
      .selectFrom('email_notification_settings')
      .selectAll()
      .where('user_id', '=', userId)
      .executeTakeFirst();
  }

  async settingsOf(userIds: readonly string[]): Promise<Map<string, EmailSettingsRow>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('email_notification_settings')
      .selectAll()
      .where('user_id', 'in', [...userIds])
      .execute();
    return new Map(rows.map((r) => [r.user_id, r]));
  }

  async saveSettings(row: EmailSettingsRow): Promise<void> {
    const { enabled, delay_seconds, updated_at } = row;
    await this.db
      .insertInto('email_notification_settings')
      .values(row)
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ enabled, delay_seconds, updated_at }))
      .execute();
  }

  /**
   * The notifier's cursor and key. Read in the write that moves the cursor (`lock`), it stays
   * locked until that commits, so two nodes never queue the same events side by side.
   */
  state(opts: { lock?: boolean } = {}): Promise<EmailNotifyStateRow | undefined> {
    const q = this.db.selectFrom('email_notify_state').selectAll().where('id', '=', 1);
    return (opts.lock ? forUpdate(this.dialect, q) : q).executeTakeFirst();
  }

  /** Creates the state row unless another node did first. */
  async initState(cursor: string, signingSecret: string): Promise<void> {
    await this.db
      .insertInto('email_notify_state')
      .values({ id: 1, cursor, signing_secret: signingSecret })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  async setCursor(cursor: string): Promise<void> {
    await this.db.updateTable('email_notify_state').set({ cursor }).where('id', '=', 1).execute();
  }

  /** A (user, message) pair is queued once, whatever else brings it up again. */
  async enqueue(rows: readonly Insertable<EmailNotificationsTable>[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insertInto('email_notifications')
      .values([...rows])
      .onConflict((oc) => oc.columns(['user_id', 'message_id']).doNothing())
      .execute();
  }

  async dropPending(userId: string, at: string): Promise<void> {
    await this.db
      .updateTable('email_notifications')
      .set({ state: 'skipped', completed_at: at, lease_until: null })
      .where('user_id', '=', userId)
      .where('state', '=', 'pending')
      .execute();
  }

  /** When the earliest pending notification falls due (one index lookup). */
  async nextDueAt(): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('email_notifications')
      .select('due_at')
      .where('state', '=', 'pending')
      .orderBy('due_at')
      .limit(1)
      .executeTakeFirst();
    return row?.due_at;
  }

  /**
   * Picks up to `users` recipients with a notification due and leases every pending one of
   * theirs until `until`: once one falls due the rest go in the same mail rather than in a
   * trickle after it. A node leasing side by side waits for this one's row locks, then finds
   * the rows leased (PostgreSQL checks the conditions again on the locked rows).
   */
  async leaseDue(now: string, users: number, until: string): Promise<EmailNotificationRow[]> {
    const due = await this.db
      .selectFrom('email_notifications')
      .select('user_id')
      .distinct()
      .where('state', '=', 'pending')
      .where('due_at', '<=', now)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .limit(users)
      .execute();
    if (due.length === 0) return [];
    return this.db
      .updateTable('email_notifications')
      .set({ lease_until: until })
      .where(
        'user_id',
        'in',
        due.map((d) => d.user_id),
      )
      .where('state', '=', 'pending')
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .returningAll()
      .execute();
  }

  async finish(
    ids: readonly string[],
    state: 'sent' | 'skipped' | 'failed',
    at: string,
  ): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('email_notifications')
      .set({ state, completed_at: at, lease_until: null })
      .where('id', 'in', [...ids])
      .execute();
  }

  /** A send that failed: tried again at `dueAt`. */
  async retry(ids: readonly string[], attempts: number, dueAt: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('email_notifications')
      .set({ attempts, due_at: dueAt, lease_until: null })
      .where('id', 'in', [...ids])
      .execute();
  }

  /** A reader's pointer in a channel or DM: how far they read, and when they last moved it. */
  async readState(
    message: { channel_id: string | null; direct_conversation_id: string | null },
    userId: string,
  ): Promise<{ last_read_seq: number; last_read_at: string } | undefined> {
    if (message.channel_id !== null) {
      return this.db
        .selectFrom('channel_reads')
        .select(['last_read_seq', 'last_read_at'])
        .where('channel_id', '=', message.channel_id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
    }
    if (message.direct_conversation_id === null) return undefined;
    return this.db
      .selectFrom('direct_reads')
      .select(['last_read_seq', 'last_read_at'])
      .where('conversation_id', '=', message.direct_conversation_id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
  }
}
