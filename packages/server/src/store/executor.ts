import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema.js';

/** Either the root connection or an open transaction: repositories work on both. */
export type Executor = Kysely<DB> | Transaction<DB>;

/** The SQL dialect behind a store; the few repositories with dialect-specific SQL take it. */
export type Dialect = 'sqlite' | 'postgres';
