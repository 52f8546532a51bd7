import { type Kysely, sql, type Transaction } from 'kysely';
import { isLostRace } from './errors.js';
import type { Dialect } from './executor.js';
import type { DB } from './schema.js';
import { writeStatements } from './statements.js';
import { WriteBatch } from './write-batch.js';

/** After every group commit: its writes, duration, and INSERT/UPDATE/DELETE statements run. */
export type CommitListener = (batchSize: number, seconds: number, writeStatements: number) => void;

/** What the owner of the committer learns of each transaction (store.ts collects its events). */
export interface TransactionHooks {
  /** A transaction begins; whatever an earlier one collected was rolled back or announced. */
  started(): void;
  /** The transaction committed and its writes were answered. Must not throw. */
  committed(): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** A write: `batch` is handed only to writes that asked for one (posts). */
export type WriteFn<T> = (trx: Transaction<DB>, batch: WriteBatch | undefined) => Promise<T>;

interface Job {
  fn: WriteFn<unknown>;
  batched: boolean;
  /** A post's nonce, looked up with the batch's others (write-batch.ts). */
  nonce: NonceKey | undefined;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** Runs lost to a concurrent transaction so far (store/errors.ts `isLostRace`). */
  lost: number;
}

/** A post's client nonce and its author. */
export interface NonceKey {
  author: string;
  nonce: string;
}

/** Runs a write may lose to concurrent transactions before its error is its answer. */
const MAX_LOST_RACES = 4;

/**
 * Group commit. Writes that arrive while a transaction is running wait, then all run in the
 * next transaction, and every write is answered only after the COMMIT that made it durable.
 * One commit (one WAL append, one fsync) then serves many writes.
 *
 * A batch first runs its writes one after another with nothing in between. Should one
 * fail, the transaction is rolled back, that write gets its error, and the others run again
 * in a new transaction, each inside its own SAVEPOINT, so that a failure there rolls back
 * only itself. Writes therefore must not act outside the database before they return:
 * a write may run twice, and only its last run counts. Nor may a write catch a database
 * error and carry on: on PostgreSQL the shared transaction is aborted by then, and the
 * next write of the batch would fail in its place. (A SAVEPOINT per write from the start
 * cost more than SQLite's insert of the message itself.)
 *
 * Posts (`batched`) write into the transaction's WriteBatch instead of row by row; it is
 * flushed with a few set-based statements before COMMIT, and before any other write of the
 * batch runs. A failing flush is handled like a failing write whose owner is unknown: the
 * whole batch runs again in the isolated mode, where each post flushes inside its SAVEPOINT.
 *
 * On PostgreSQL batches of several nodes run side by side, so a write can lose a race to
 * another transaction: a deadlock, a unique key or a referenced row the other one changed
 * first, a row its own conditional update found changed (`WriteConflict`). Such a write is
 * queued again rather than answered: by its next run the other transaction has ended, and
 * the write's own checks see what it did (a replayed nonce, a clean 404 or 409).
 */
export class GroupCommitter {
  private queue: Job[] = [];
  private running = false;
  private listeners: CommitListener[] = [];
  private idleWaiters: (() => void)[] = [];
  private hooks: TransactionHooks | undefined;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly maxBatch = 128,
    /** Runs first in every batch's transaction (PostgreSQL: the shared cursor lock). */
    private readonly begin: (trx: Transaction<DB>) => Promise<void> = async () => undefined,
    /** Which engine the batches of posts write to (their row locks are PostgreSQL's). */
    private readonly dialect: Dialect = 'sqlite',
  ) {}

  observe(listener: CommitListener): void {
    this.listeners.push(listener);
  }

  track(hooks: TransactionHooks): void {
    this.hooks = hooks;
  }

  run<T>(fn: WriteFn<T>, batched = false, nonce?: NonceKey): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        fn,
        batched,
        nonce,
        resolve: resolve as (v: unknown) => void,
        reject,
        lost: 0,
      });
      if (this.running) return;
      this.running = true;
      // better-sqlite3 answers synchronously, so a transaction never yields to the event
      // loop; waiting one turn lets the requests already read from sockets join this batch.
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        const started = process.hrtime.bigint();
        const writesBefore = writeStatements.count;
        await this.commit(batch);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const writes = writeStatements.count - writesBefore;
        for (const listener of this.listeners) listener(batch.length, seconds, writes);
      }
    } finally {
      this.running = false;
      for (const done of this.idleWaiters.splice(0)) done();
    }
  }

  /** Resolves once every queued write has committed (or failed): what closing waits for. */
  idle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async commit(batch: Job[]): Promise<void> {
    const values: unknown[] = [];
    let failed: { index: number; error: unknown } | undefined;
    let flushFailed = false;
    try {
      await this.db.transaction().execute(async (trx) => {
        this.hooks?.started();
        await this.begin(trx);
        const pending = new WriteBatch(trx, this.dialect);
        pending.expectNonces(batch.flatMap((j) => (j.batched && j.nonce ? [j.nonce] : [])));
        const flush = async () => {
          try {
            await pending.flush();
          } catch (error) {
            flushFailed = true;
            throw error;
          }
        };
        for (const [index, job] of batch.entries()) {
          if (!job.batched) {
            await flush();
            pending.reset();
          }
          try {
            values.push(await job.fn(trx, job.batched ? pending : undefined));
          } catch (error) {
            failed = { index, error };
            throw error;
          }
        }
        await flush();
      });
    } catch (error) {
      if (flushFailed) {
        await this.commitIsolated(batch);
        return;
      }
      if (!failed) {
        // BEGIN or COMMIT failed: nothing of the batch is durable.
        for (const job of batch) this.fail(job, error);
        return;
      }
      this.fail(batch[failed.index] as Job, failed.error);
      const rest = batch.filter((_, i) => i !== failed?.index);
      if (rest.length > 0) await this.commitIsolated(rest);
      return;
    }
    batch.forEach((job, i) => job.resolve(values[i]));
    this.hooks?.committed();
  }

  /** The batch again, each write in its own SAVEPOINT: a failure rolls back only itself. */
  private async commitIsolated(batch: Job[]): Promise<void> {
    const outcomes: Outcome[] = [];
    try {
      await this.db.transaction().execute(async (trx) => {
        this.hooks?.started();
        await this.begin(trx);
        const pending = new WriteBatch(trx, this.dialect);
        for (const job of batch) {
          await sql`savepoint cc_write`.execute(trx);
          try {
            const value = await job.fn(trx, job.batched ? pending : undefined);
            await pending.flush();
            if (!job.batched) pending.reset();
            await sql`release cc_write`.execute(trx);
            outcomes.push({ ok: true, value });
          } catch (error) {
            await sql`rollback to cc_write`.execute(trx);
            await sql`release cc_write`.execute(trx);
            pending.reset();
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      for (const job of batch) this.fail(job, error);
      return;
    }
    batch.forEach((job, i) => {
      const o = outcomes[i] as Outcome;
      if (o.ok) job.resolve(o.value);
      else this.fail(job, o.error);
    });
    this.hooks?.committed();
  }

  /** A write that lost a race runs again in a later batch; any other failure is its answer. */
  private fail(job: Job, error: unknown): void {
    if (isLostRace(error) && job.lost < MAX_LOST_RACES) {
      job.lost++;
      this.queue.push(job);
    } else job.reject(error);
  }
}
