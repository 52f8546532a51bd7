import { countStatement } from '../statements.js';
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
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
  if (file !== ':memory:') keepPrivate(file);
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
 * The database holds every message and every signing secret: its directory is created 0700
 * and the file 0600 before SQLite opens it, and SQLite gives the -wal and -shm files it
 * creates the database file's mode. Files an older version left readable to others are
 * narrowed to their owner.
 */
function keepPrivate(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      const mode = statSync(f).mode & 0o777;
      if (mode & 0o077) chmodSync(f, mode & 0o700);
    } catch {
      // -wal and -shm exist only while a connection has the file open.
    }
  }
}

/**
 * A statement as Kysely's driver uses it. Rows are fetched as arrays and built by one
 * object literal of a fixed shape per statement: better-sqlite3 builds row objects
 * property by property, which on a 50-row page of messages cost more than the query.
 */
interface KyselyStatement {
  readonly reader: boolean;
  all(params: readonly unknown[]): unknown[];
  run(params: readonly unknown[]): Database.RunResult;
  iterate(params: readonly unknown[]): IterableIterator<unknown>;
}

type RowBuilder = (values: unknown[]) => unknown;

/** better-sqlite3 binds no arrays; an array is a list for `json_each` (see `inList`). */
function bindable(params: readonly unknown[]): readonly unknown[] {
  return params.some(Array.isArray)
    ? params.map((v) => (Array.isArray(v) ? JSON.stringify(v) : v))
    : params;
}

/**
 * A function building a row from its array of values. Column names come from our own SQL
 * and are quoted as JSON strings; a `__proto__` column would set the prototype in a
 * literal, so such a statement keeps better-sqlite3's own objects.
 */
function rowBuilder(columns: readonly string[]): RowBuilder | undefined {
  if (columns.includes('__proto__')) return undefined;
  const fields = columns.map((c, i) => `${JSON.stringify(c)}: v[${i}]`).join(', ');
  return new Function('v', `return { ${fields} };`) as RowBuilder;
}

function kyselyStatement(stmt: Database.Statement): KyselyStatement {
  const build = stmt.reader ? rowBuilder(stmt.columns().map((c) => c.name)) : undefined;
  if (build) stmt.raw(true);
  return {
    reader: stmt.reader,
    all: (params) => {
      const rows = stmt.all(bindable(params)) as unknown[];
      // Replaced in place: a page's rows need no second array.
      if (build) for (let i = 0; i < rows.length; i++) rows[i] = build(rows[i] as unknown[]);
      return rows;
    },
    run: (params) => stmt.run(bindable(params)),
    iterate: build
      ? function* (params) {
          for (const values of stmt.iterate(bindable(params)) as IterableIterator<unknown[]>)
            yield build(values);
        }
      : (params) => stmt.iterate(bindable(params)),
  };
}

/**
 * Kysely prepares every query anew; the same few dozen SQL strings run on every request, so
 * prepared statements are cached (bounded) per connection.
 */
function withStatementCache(db: Database.Database, max = 500): SqliteDialectConfig['database'] {
  const cache = new Map<string, KyselyStatement>();
  return {
    close: () => db.close(),
    prepare: (sql: string) => {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = kyselyStatement(db.prepare(sql));
        if (cache.size >= max) cache.delete(cache.keys().next().value as string);
        cache.set(sql, stmt);
      }
      return stmt;
    },
  } as unknown as SqliteDialectConfig['database'];
}

export function sqliteKysely(db: Database.Database): Kysely<DB> {
  return new Kysely<DB>({
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(db) }),
    log: countStatement,
  });
}
