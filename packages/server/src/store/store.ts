import type { Kysely } from 'kysely';
import type { Dialect, Executor } from './executor.js';
import { GroupCommitter } from './group-commit.js';
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
  constructor(db: Executor, dialect: Dialect = 'sqlite') {
    this.users = new UsersRepo(db);
    this.workspaces = new WorkspacesRepo(db, dialect);
    this.channels = new ChannelsRepo(db);
    this.messages = new MessagesRepo(db, dialect);
    this.auth = new AuthRepo(db, dialect);
    this.events = new EventsRepo(db, dialect);
    this.emailNotify = new EmailNotifyRepo(db, dialect);
    this.dms = new DmsRepo(db);
    this.audit = new AuditRepo(db);
    this.subscriptions = new SubscriptionsRepo(db, dialect);
    this.messaging = new MessagingRepo(db);
    this.search = new SearchRepo(db, dialect);
    this.uploads = new UploadsRepo(db, dialect);
    this.bots = new BotsRepo(db);
    this.webhooks = new WebhooksRepo(db);
    this.slash = new SlashRepo(db);
    this.apps = new AppsRepo(db);
    this.moderation = new ModerationRepo(db);
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
  write<T>(fn: (tx: Repos) => Promise<T>): Promise<T>;
  /** Cheap liveness probe for /readyz. */
  ping(): Promise<void>;
  /** Called after every group commit with its size and duration (/metrics). */
  observeCommits(listener: CommitListener): void;
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

export type CommitListener = (batchSize: number, seconds: number) => void;

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
  constructor(
    readonly dialect: Dialect,
    private readonly db: Kysely<DB>,
    private readonly parts: StoreParts = {},
  ) {
    this.read = new Repos(db, dialect);
    this.group =
      dialect === 'sqlite' ? new GroupCommitter(db) : new GroupCommitter(db, 128, takeCursorLock);
  }

  write<T>(fn: (tx: Repos) => Promise<T>): Promise<T> {
    return this.group.run((trx) => fn(new Repos(trx, this.dialect)));
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
