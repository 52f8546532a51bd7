import {
  type Compilable,
  type CompiledQuery,
  PostgresAdapter,
  type QueryResult,
  type RawBuilder,
  type SqlBool,
  sql,
} from 'kysely';
import type { Executor } from './executor.js';

/** Marks a parameter slot in the SQL compiled once; never a value a caller could send. */
const SLOT = '\u0000cc-slot:';

interface Plan {
  query: CompiledQuery;
  /** Per compiled parameter: the name of the caller's value, or a constant of the query. */
  slots: readonly ({ name: string } | { value: unknown })[];
}

/**
 * A query built and compiled once per dialect, afterwards only bound to new values. Kysely
 * otherwise rebuilds and recompiles the same SQL on every call, which on the paths every
 * request takes (auth, posting) cost more CPU than SQLite spent running it.
 *
 * `build` receives `p`, whose properties stand for the values passed at run time; the SQL
 * it builds must not depend on them (no branches on a value; lists through `inList`).
 */
export function prepared<P extends object, R>(
  build: (db: Executor, p: P) => Compilable<R>,
): (db: Executor, params: P) => Promise<QueryResult<R>> {
  // One plan per dialect adapter: a transaction shares its database's adapter.
  const plans = new WeakMap<object, Plan>();
  const placeholders = new Proxy(
    {},
    { get: (_target, name) => `${SLOT}${String(name)}` },
  ) as unknown as P;
  return (db, params) => {
    const adapter = db.getExecutor().adapter;
    let plan = plans.get(adapter);
    if (!plan) {
      const query = build(db, placeholders).compile();
      const slots = query.parameters.map((v) =>
        typeof v === 'string' && v.startsWith(SLOT) ? { name: v.slice(SLOT.length) } : { value: v },
      );
      plan = { query, slots };
      plans.set(adapter, plan);
    }
    const values = plan.slots.map((s) =>
      'name' in s ? (params as Record<string, unknown>)[s.name] : s.value,
    );
    return db.executeQuery<R>({ ...plan.query, parameters: values });
  };
}

/** Every column of a row type; the compiler checks that none is missing. */
export type Columns<R> = Record<keyof R, true>;

/** A whole row of placeholders, for a prepared insert of complete rows. */
export function placeholderRow<R>(p: R, columns: Columns<R>): R {
  return Object.fromEntries(Object.keys(columns).map((c) => [c, p[c as keyof R]])) as R;
}

/**
 * `column IN (list)` with the whole list bound as one parameter, so the SQL is the same
 * whatever the list's length and the query can be prepared: `= any($1)` on PostgreSQL, the
 * elements of a JSON array on SQLite (whose driver binds arrays as JSON text).
 */
export function inList(
  db: Executor,
  column: string,
  list: readonly (string | number)[],
): RawBuilder<SqlBool> {
  const ref = sql.ref(column);
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? sql<SqlBool>`${ref} = any(${list})`
    : sql<SqlBool>`${ref} in (select value from json_each(${list}))`;
}
