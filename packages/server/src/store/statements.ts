/**
 * INSERT/UPDATE/DELETE statements run by this process's stores, counted as Kysely logs
 * them: each group commit reports how many it ran (the commit listeners, /metrics), which
 * shows whether a batch's writes are set-based or a statement per row.
 */
export const writeStatements = { count: 0 };

const WRITE = /^\s*(insert|update|delete)\b/i;

/** A Kysely `log` hook. */
export function countStatement(event: { level: string; query: { sql: string } }): void {
  if (event.level === 'query' && WRITE.test(event.query.sql)) writeStatements.count += 1;
}
