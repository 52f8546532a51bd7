import type { Event } from '@clickclack/protocol';
import type { Kysely } from 'kysely';
import type { Dialect, Executor } from './executor.js';
import { GroupCommitter, type CommitListener, type NonceKey } from './group-commit.js';
import { takeCursorLock } from './pg-cursor.js';
import { AppsRepo } from './repos/apps.js';
import { AuditRepo } from './repos/audit.js';
import { AuthRepo } from './repos/auth.js';
import { BotsRepo } from './repos/bots.js';
import { ChannelsRepo } from './repos/channels.js';
import { DmsRepo } from './repos/dms.js';
import { EmailNotifyRepo } from './repos/email-notify.js';
import { EventsRepo } from './repos/events.js';
import { ImportsRepo } from './repos/imports.js';
import { MessagesRepo } from './repos/messages.js';
import { MessagingRepo } from './repos/messaging.js';
import { ModerationRepo } from './repos/moderation.js';
import { RateWindowsRepo } from './repos/rate-windows.js';
import { RoutesRepo } from './repos/routes.js';
import { SearchRepo } from './repos/search.js';
import { SlashRepo } from './repos/slash.js';
import { SubscriptionsRepo } from './repos/subscriptions.js';
import { UploadsRepo } from './repos/uploads.js';
import { WebhooksRepo } from './repos/webhooks.js';
import { UsersRepo } from './repos/users.js';
import { WorkspacesRepo } from './repos/workspaces.js';
import type { DB } from './schema.js';
import type { WriteBatch } from './write-batch.js';

/** Every repository, bound to one executor (the pool, or one transaction). */
export class Repos {
  readonly users: UsersRepo;
  readonly workspaces: WorkspacesRepo;
  readonly channels: ChannelsRepo;
  readonly messages: MessagesRepo;
  readonly auth: AuthRepo;
  readonly events: EventsRepo;
  readonly dms: DmsRepo;
  readonly audit: AuditRepo;
  readonly subscriptions: SubscriptionsRepo;
  readonly messaging: MessagingRepo;
  readonly search: SearchRepo;
  readonly uploads: UploadsRepo;
  readonly bots: BotsRepo;
  readonly webhooks: WebhooksRepo;
  readonly slash: SlashRepo;
  readonly apps: AppsRepo;
  readonly moderation: ModerationRepo;
  readonly routes: RoutesRepo;
  readonly imports: ImportsRepo;
  readonly emailNotify: EmailNotifyRepo;
  readonly rateWindows: RateWindowsRepo;
  /**
   * `batch`: a batched post's row gatherer; `appended`: where a write transaction's repos
   * record the events they append.
   */
  constructor(db: Executor, dialect: Dialect = 'sqlite', batch?: WriteBatch, appended?: Event[]) {
    this.users = new UsersRepo(db);
    this.workspaces = new WorkspacesRepo(db, dialect, batch);
    this.channels = new ChannelsRepo(db, batch);
    this.messages = new MessagesRepo(db, dialect, batch);
    this.auth = new AuthRepo(db, dialect);
    this.events = new EventsRepo(db, dialect, batch, appended);
    this.emailNotify = new EmailNotifyRepo(db, dialect);
    this.dms = new DmsRepo(db, batch);
    this.audit = new AuditRepo(db);
    this.subscriptions = new SubscriptionsRepo(db, dialect);
    this.messaging = new MessagingRepo(db, batch);
    this.search = new SearchRepo(db, dialect);
    this.uploads = new UploadsRepo(db, dialect);
    this.bots = new BotsRepo(db);
    this.webhooks = new WebhooksRepo(db);
    this.slash = new SlashRepo(db);
    this.apps = new AppsRepo(db);
    this.moderation = new ModerationRepo(db, batch);
    this.routes = new RoutesRepo(db);
    this.imports = new ImportsRepo(db, dialect);
    this.rateWindows = new RateWindowsRepo(db);
  }
}

/**
 * The storage boundary services see. `write` runs one transaction; nothing written inside
 * it is visible or acknowledged before it commits.
 */
export interface Store {
  readonly dialect: Dialect;
  readonly read: Repos;
  /**
   * `batched`: the write only posts messages; its rows go into the group commit's
   * WriteBatch (store/write-batch.ts), written with the other posts' by a few statements;
   * `nonce`: the post's, looked up with the batch's others in one query.
   */
  write<T>(fn: (tx: Repos) => Promise<T>, opts?: WriteOptions): Promise<T>;
  /** Cheap liveness probe for /readyz. */
  ping(): Promise<void>;
  /** Called after every group commit with its size and duration (/metrics). */
  observeCommits(listener: CommitListener): void;
  /**
   * THE announcement of committed events: called after every transaction that appended
   * events, with those events in cursor order, once it has committed (never on rollback).
   * Writes by other processes are not announced; readers of the log poll for those.
   * Returns a function that removes the listener.
   */
  onCommitted(listener: EventsListener): () => void;
  /** The PostgreSQL pool's connections right now; undefined on SQLite (one connection). */
  poolUse(): PoolUse | undefined;
  close(): Promise<void>;
}

/** What open.ts hands a store beside its Kysely instance. */
export interface StoreParts {
  onClose?: () => void | Promise<void>;
  /** The PostgreSQL pool, for `poolUse`. */
  pool?: { totalCount: number; idleCount: number; waitingCount: number };
  /** Throws when the database is unusable in a way a query does not notice (`ping`). */
  probe?: () => void;
}

export interface WriteOptions {
  batched?: boolean;
  nonce?: NonceKey;
}

export type EventsListener = (events: readonly Event[]) => void;

export interface PoolUse {
  total: number;
  idle: number;
  waiting: number;
}

export class KyselyStore implements Store {
  readonly read: Repos;
  /**
   * Concurrent writes share transactions (store/group-commit.ts). SQLite has one connection
   * and BEGIN IMMEDIATE: writes commit one after another. On PostgreSQL one batch per node
   * runs at a time, beside the batches of the other nodes: event cursors follow transaction
   * ids and readers stop below the oldest running one (store/pg-cursor.ts), and invariants
   * that two transactions could break together are kept by row locks, conditional updates
   * and unique keys, a lost race running the write again. Reads use the rest of the pool.
   */
  private readonly group: GroupCommitter;
  /** Events appended by each write of the running transaction (emptied when a write fails). */
  private appended: Event[][] = [];
  private readonly listeners = new Set<EventsListener>();
  constructor(
    readonly dialect: Dialect,
    private readonly db: Kysely<DB>,
    private readonly parts: StoreParts = {},
  ) {
    this.read = new Repos(db, dialect);
    this.group =
      dialect === 'sqlite'
        ? new GroupCommitter(db)
        : new GroupCommitter(db, 128, takeCursorLock, 'postgres');
    this.group.track({
      started: () => {
        this.appended = [];
      },
      committed: () => this.announce(this.appended.flat()),
    });
  }

  write<T>(fn: (tx: Repos) => Promise<T>, opts?: WriteOptions): Promise<T> {
    return this.group.run(
      async (trx, batch) => {
        const appended: Event[] = [];
        this.appended.push(appended);
        try {
          return await fn(new Repos(trx, this.dialect, batch, appended));
        } catch (error) {
          // Rolled back (alone, to its SAVEPOINT, or with the whole transaction).
          appended.length = 0;
          throw error;
        }
      },
      opts?.batched ?? false,
      opts?.nonce,
    );
  }

  onCommitted(listener: EventsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private announce(events: Event[]): void {
    this.appended = [];
    if (events.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(events);
      } catch {
        // Listeners only wake readers that also poll the log: a throw must neither keep the
        // others from hearing nor stall the writes queued behind this transaction.
      }
    }
  }

  observeCommits(listener: CommitListener): void {
    this.group.observe(listener);
  }

  poolUse(): PoolUse | undefined {
    const p = this.parts.pool;
    return p && { total: p.totalCount, idle: p.idleCount, waiting: p.waitingCount };
  }

  async ping(): Promise<void> {
    this.parts.probe?.();
    await this.db.selectFrom('schema_migrations').select('name').limit(1).execute();
  }

  async close(): Promise<void> {
    // Writes already queued (a request answered late, a last usage flush) commit first.
    await this.group.idle();
    await this.db.destroy();
    await this.parts.onClose?.();
  }
}
