import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from './schema.js';

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

interface Job {
  fn: (trx: Transaction<DB>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit. Writes that arrive while a transaction is running wait, then all run in the
 * next transaction, each inside its own SAVEPOINT: a failing write rolls back only itself,
 * and every write is answered only after the COMMIT that made it durable. One commit (one
 * WAL append; on PostgreSQL also one acquisition of the write lock) then serves many writes.
 */
export class GroupCommitter {
  private queue: Job[] = [];
  private running = false;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly maxBatch = 128,
    /** Runs first in every batch's transaction (PostgreSQL: take the write lock). */
    private readonly begin: (trx: Transaction<DB>) => Promise<void> = async () => undefined,
  ) {}

  run<T>(fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (this.running) return;
      this.running = true;
      // better-sqlite3 answers synchronously, so a transaction never yields to the event
      // loop; waiting one turn lets the requests already read from sockets join this batch.
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) await this.commit(this.queue.splice(0, this.maxBatch));
    } finally {
      this.running = false;
    }
  }

  private async commit(batch: Job[]): Promise<void> {
    const outcomes: Outcome[] = [];
    try {
      await this.db.transaction().execute(async (trx) => {
        await this.begin(trx);
        if (batch.length === 1) {
          // Alone in its transaction: a failure rolls the whole transaction back.
          outcomes.push({ ok: true, value: await (batch[0] as Job).fn(trx) });
          return;
        }
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
      for (const job of batch) job.reject(error);
      return;
    }
    batch.forEach((job, i) => {
      const o = outcomes[i] as Outcome;
      if (o.ok) job.resolve(o.value);
      else job.reject(o.error);
    });
  }
}
