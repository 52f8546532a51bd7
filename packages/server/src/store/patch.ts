import type { Kysely, Updateable } from 'kysely';
import type { Executor } from './executor.js';
import type { DB } from './schema.js';

/** The tables whose rows are keyed by a text `id`: the ones a patch is applied to. */
export type TableWithId = { [T in keyof DB]: DB[T] extends { id: string } ? T : never }[keyof DB];

/** The columns a patch really sets: Kysely leaves undefined values out of SET, and so do we. */
export function patchedColumns(patch: object): string[] {
  return Object.entries(patch)
    .filter(([, value]) => value !== undefined)
    .map(([column]) => column);
}

/**
 * Writes a partial row to row `id` of `table`: the one way a repository applies a patch (an
 * eslint rule keeps computed objects out of `.set()` in the store). A patch that sets nothing
 * would compile to `UPDATE t SET WHERE …`, a syntax error on SQLite and PostgreSQL alike, so
 * a request that changes nothing would answer 500; it runs no statement instead. Returns
 * whether a statement ran.
 */
export async function patchById<T extends TableWithId>(
  db: Executor,
  table: T,
  id: string,
  patch: Updateable<DB[T]>,
): Promise<boolean> {
  if (patchedColumns(patch).length === 0) return false;
  // Kysely cannot type a column of a table chosen by a type parameter; every TableWithId has
  // `id`, and `patch` was checked against the table's row type by the signature above.
  const untyped = db as unknown as Kysely<Record<string, { id: string }>>;
  await untyped
    .updateTable(table as string)
    .set(patch as { id?: string })
    .where('id', '=', id)
    .execute();
  return true;
}
