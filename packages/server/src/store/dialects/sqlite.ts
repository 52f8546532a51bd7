import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  Kysely,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';
import type { DB } from '../schema.js';

/**
 * Write transactions take the write lock up front (BEGIN IMMEDIATE) so that two processes
 * on one file never deadlock upgrading a read lock, and cursors follow commit order.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): SqliteDriver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

export function openSqliteDatabase(file: string): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  // Reads of a large history hit pages all over the file: a 64 MiB page cache and reads
  // through a 256 MiB memory map (no read syscall per page) keep random pages cheap.
  db.pragma('cache_size = -65536');
  db.pragma('mmap_size = 268435456');
  return db;
}

/**
 * Kysely prepares every query anew; the same few dozen SQL strings run on every request, so
 * prepared statements are cached (bounded) per connection.
 */
function withStatementCache(db: Database.Database, max = 500): SqliteDialectConfig['database'] {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => db.close(),
    prepare: (sql: string) => {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = db.prepare(sql);
        if (cache.size >= max) cache.delete(cache.keys().next().value as string);
        cache.set(sql, stmt);
      }
      return stmt;
    },
  } as SqliteDialectConfig['database'];
}

export function sqliteKysely(db: Database.Database): Kysely<DB> {
  return new Kysely<DB>({
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(db) }),
  });
}
