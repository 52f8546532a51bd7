import { type Kysely, sql, type Transaction } from 'kysely';
import { isLostRace } from './errors.js';
import type { DB } from './schema.js';
import type { CommitListener } from './store.js';

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

interface Job {
  fn: (trx: Transaction<DB>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** Runs lost to a concurrent transaction so far (store/errors.ts `isLostRace`). */
  lost: number;
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

  constructor(
    private readonly db: Kysely<DB>,
    private readonly maxBatch = 128,
    /** Runs first in every batch's transaction (PostgreSQL: the shared cursor lock). */
    private readonly begin: (trx: Transaction<DB>) => Promise<void> = async () => undefined,
  ) {}

  observe(listener: CommitListener): void {
    this.listeners.push(listener);
  }

  run<T>(fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject, lost: 0 });
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
        await this.commit(batch);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        for (const listener of this.listeners) listener(batch.length, seconds);
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
    try {
      await this.db.transaction().execute(async (trx) => {
        await this.begin(trx);
        for (const [index, job] of batch.entries()) {
          try {
            values.push(await job.fn(trx));
          } catch (error) {
            failed = { index, error };
            throw error;
          }
        }
      });
    } catch (error) {
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
  }

  /** The batch again, each write in its own SAVEPOINT: a failure rolls back only itself. */
  private async commitIsolated(batch: Job[]): Promise<void> {
    const outcomes: Outcome[] = [];
    try {
      await this.db.transaction().execute(async (trx) => {
        await this.begin(trx);
        for (const job of batch) {
          await sql`savepoint cc_write`.execute(trx);
          try {
            outcomes.push({ ok: true, value: await job.fn(trx) });
            await sql`release cc_write`.execute(trx);
          } catch (error) {
            await sql`rollback to cc_write`.execute(trx);
            await sql`release cc_write`.execute(trx);
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
  }

  /** A write that lost a race runs again in a later batch; any other failure is its answer. */
  private fail(job: Job, error: unknown): void {
    if (isLostRace(error) && job.lost < MAX_LOST_RACES) {
      job.lost++;
      this.queue.push(job);
    } else job.reject(error);
  }
}
