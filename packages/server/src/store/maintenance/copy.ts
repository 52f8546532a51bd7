import { existsSync, readdirSync, realpathSync } from 'node:fs';
import Database from 'better-sqlite3';
import type pg from 'pg';
import { nowIso } from '../../lib/clock.js';
import { createPgPool, redactPgUrl } from '../dialects/postgres.js';
import { MaintenanceError } from '../errors.js';
import { migratePostgres, migrationsDir } from '../migrate.js';
import { isPostgresUrl, sqlitePathFromUrl } from '../open.js';
import { quoteIdent as q, sqliteDataTables } from './tables.js';

/**
 * Bookkeeping, not data: never copied (the target has its own migrations;
 * event_cursor_base is the target's own cursor order on PostgreSQL).
 */
const SKIPPED = new Set(['schema_migrations', 'copy_progress', 'event_cursor_base']);
/** The copy_progress row that describes the whole run (source, finished or not). */
const RUN_ROW = '*';
/** Session advisory lock: two copies into one target queue instead of interleaving. */
const PG_COPY_LOCK = 0x636c6b03;
/** PostgreSQL allows 65,535 bind parameters per statement. */
const MAX_PARAMS = 60_000;

type Value = string | number | bigint | Buffer | null;
type Row = Value[];

interface TablePlan {
  name: string;
  columns: string[];
  /** Primary-key columns, in key order; rows are copied in this order. */
  key: string[];
}

interface Progress {
  lastKey: Value[] | null;
  rows: number;
  done: boolean;
}

/** JSON-safe key values (BigInt and Buffer do not survive JSON.stringify as they are). */
function encodeKey(key: Value[]): string {
  return JSON.stringify(
    key.map((v) =>
      typeof v === 'bigint'
        ? { i: v.toString() }
        : Buffer.isBuffer(v)
          ? { b: v.toString('base64') }
          : v,
    ),
  );
}

function decodeKey(text: string): Value[] {
  return (JSON.parse(text) as unknown[]).map((v) => {
    if (v !== null && typeof v === 'object') {
      const o = v as { i?: string; b?: string };
      if (o.i !== undefined) return BigInt(o.i);
      if (o.b !== undefined) return Buffer.from(o.b, 'base64');
    }
    return v as Value;
  });
}

/** Values for pg: 64-bit integers as decimal strings, so nothing is rounded. */
const pgValue = (v: Value): Value => (typeof v === 'bigint' ? v.toString() : v);

/** Tables in an order where every foreign key points at a table already copied. */
async function plan(client: pg.PoolClient): Promise<TablePlan[]> {
  const tables = (
    await client.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
    )
  ).rows
    .map((r) => r.name)
    .filter((n) => !SKIPPED.has(n));
  const columns = (
    await client.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
    )
  ).rows;
  const keys = (
    await client.query<{ table_name: string; column_name: string }>(
      `SELECT c.relname AS table_name, a.attname AS column_name
         FROM pg_index i
         JOIN pg_class c ON c.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
         CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
        WHERE i.indisprimary
        ORDER BY c.relname, k.ord`,
    )
  ).rows;
  const refs = (
    await client.query<{ child: string; parent: string }>(
      `SELECT DISTINCT c.relname AS child, p.relname AS parent
         FROM pg_constraint f
         JOIN pg_class c ON c.oid = f.conrelid
         JOIN pg_class p ON p.oid = f.confrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
        WHERE f.contype = 'f'`,
    )
  ).rows;
  const byTable = new Map<string, TablePlan>();
  for (const name of tables) byTable.set(name, { name, columns: [], key: [] });
  for (const c of columns) byTable.get(c.table_name)?.columns.push(c.column_name);
  for (const k of keys) byTable.get(k.table_name)?.key.push(k.column_name);
  for (const t of byTable.values())
    if (t.key.length === 0) throw new MaintenanceError(`target table ${t.name} has no primary key`);

  // Depth-first topological sort; a table's reference to itself (replies, quotes) is
  // satisfied by primary-key order, since ids are monotonic ULIDs.
  const parents = new Map<string, string[]>();
  for (const r of refs)
    if (r.child !== r.parent && byTable.has(r.child) && byTable.has(r.parent))
      parents.set(r.child, [...(parents.get(r.child) ?? []), r.parent]);
  const ordered: TablePlan[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]) => {
    const s = state.get(name);
    if (s === 'done') return;
    if (s === 'visiting')
      throw new MaintenanceError(
        `foreign-key cycle between tables: ${[...path, name].join(' → ')}`,
      );
    state.set(name, 'visiting');
    for (const p of (parents.get(name) ?? []).sort()) visit(p, [...path, name]);
    state.set(name, 'done');
    ordered.push(byTable.get(name)!);
  };
  for (const name of [...byTable.keys()].sort()) visit(name, []);
  return ordered;
}

/** The source must have the same tables and columns as the migrated target. */
function checkSource(db: Database.Database, tables: TablePlan[]): void {
  const migrated = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  if (!migrated)
    throw new MaintenanceError('the source is not a ClickClack database (no schema_migrations)');
  const applied = new Set(
    (db.prepare('SELECT name FROM schema_migrations').all() as { name: string }[]).map(
      (r) => r.name,
    ),
  );
  const expected = readdirSync(migrationsDir('sqlite')).filter((f) => f.endsWith('.sql'));
  const missing = expected.filter((f) => !applied.has(f));
  if (missing.length > 0)
    throw new MaintenanceError(
      `the source database is not fully migrated (missing ${missing.join(', ')}); run \`clickclack migrate --db <source>\` first`,
    );
  const target = new Set(tables.map((t) => t.name));
  for (const name of sqliteDataTables(db)) {
    if (SKIPPED.has(name)) continue;
    if (!target.has(name))
      throw new MaintenanceError(
        `source table ${name} has no counterpart in the PostgreSQL schema`,
      );
  }
  for (const t of tables) {
    const cols = (db.prepare(`PRAGMA table_info(${q(t.name)})`).all() as { name: string }[]).map(
      (c) => c.name,
    );
    if (cols.length === 0) throw new MaintenanceError(`source has no table ${t.name}`);
    const have = new Set(cols);
    const want = new Set(t.columns);
    const lacking = t.columns.filter((c) => !have.has(c));
    const extra = cols.filter((c) => !want.has(c));
    if (lacking.length > 0 || extra.length > 0)
      throw new MaintenanceError(
        `table ${t.name}: columns differ between source and target (source lacks ${lacking.join(', ') || 'none'}; target lacks ${extra.join(', ') || 'none'})`,
      );
  }
}

async function count(client: pg.PoolClient, table: string): Promise<number> {
  const r = await client.query<{ n: number }>(`SELECT count(*) AS n FROM ${q(table)}`);
  return Number(r.rows[0]!.n);
}

async function readProgress(client: pg.PoolClient): Promise<Map<string, Progress>> {
  const rows = (
    await client.query<{
      table_name: string;
      last_key: string | null;
      rows_copied: number;
      done: number;
    }>('SELECT table_name, last_key, rows_copied, done FROM copy_progress')
  ).rows;
  return new Map(
    rows.map((r) => [
      r.table_name,
      {
        lastKey: r.last_key === null ? null : decodeKey(r.last_key),
        rows: Number(r.rows_copied),
        done: Number(r.done) === 1,
      },
    ]),
  );
}

/** How far the copy of one table has come (the CLI draws a bar). */
export interface TableProgress {
  update(done: number, force?: boolean): void;
  finish(done: number, note: string): void;
}

export interface CopyOptions {
  from: string;
  to: string;
  batchSize: number;
  /** One line per step of the run: started, resumed, complete. */
  log: (line: string) => void;
  /** Progress of one table, started when its copy starts. */
  progress: (table: string, total: number) => TableProgress;
  /** Called once each batch is committed, with the number committed so far in this run. */
  afterBatch?: (batches: number) => void;
}

export async function copySqliteToPostgres(opts: CopyOptions): Promise<void> {
  const { log } = opts;
  if (isPostgresUrl(opts.from)) throw new MaintenanceError('--from must be a SQLite database');
  if (!isPostgresUrl(opts.to)) throw new MaintenanceError('--to must be a postgres:// URL');
  const path = sqlitePathFromUrl(opts.from);
  if (!existsSync(path)) throw new MaintenanceError(`source database ${path} does not exist`);
  const source = realpathSync(path);
  const db = new Database(source, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  db.defaultSafeIntegers(true);
  const pool = createPgPool(opts.to, 2);
  const target = redactPgUrl(opts.to);
  let client: pg.PoolClient | undefined;
  try {
    try {
      await migratePostgres(pool);
      client = await pool.connect();
    } catch (err) {
      throw new MaintenanceError(`PostgreSQL ${target}: ${(err as Error).message}`);
    }
    await client.query('SELECT pg_advisory_lock($1)', [PG_COPY_LOCK]);
    const tables = await plan(client);
    checkSource(db, tables);

    const hasProgress =
      (await client.query<{ t: string | null }>("SELECT to_regclass('copy_progress')::text AS t"))
        .rows[0]!.t !== null;
    let progress = hasProgress ? await readProgress(client) : new Map<string, Progress>();
    const run = progress.get(RUN_ROW);
    if (run) {
      const from = run.lastKey?.[0];
      if (from !== source)
        throw new MaintenanceError(
          `target ${target} holds a copy from ${String(from)}, not from ${source}; refusing to mix them`,
        );
      if (run.done) {
        log(`copy from ${source} into ${target} is already complete; nothing to do`);
        return;
      }
      log(`resuming the interrupted copy from ${source} into ${target}`);
    } else {
      const nonEmpty: string[] = [];
      for (const t of tables) if ((await count(client, t.name)) > 0) nonEmpty.push(t.name);
      if (nonEmpty.length > 0)
        throw new MaintenanceError(
          `target ${target} is not empty (rows in ${nonEmpty.join(', ')}); copy only into a new, empty database`,
        );
      await client.query('BEGIN');
      await client.query(
        `CREATE TABLE IF NOT EXISTS copy_progress (
           table_name TEXT COLLATE "C" PRIMARY KEY,
           last_key TEXT COLLATE "C",
           rows_copied BIGINT NOT NULL DEFAULT 0,
           done BIGINT NOT NULL DEFAULT 0,
           updated_at TEXT COLLATE "C" NOT NULL
         )`,
      );
      await client.query(
        'INSERT INTO copy_progress (table_name, last_key, updated_at) VALUES ($1, $2, $3)',
        [RUN_ROW, JSON.stringify([source]), nowIso()],
      );
      await client.query('COMMIT');
      progress = await readProgress(client);
      log(`copying ${source} into ${target}`);
    }

    // One read transaction: every table comes from the same snapshot of the source.
    db.exec('BEGIN');
    let batches = 0;
    try {
      for (const t of tables) {
        const p = progress.get(t.name) ?? { lastKey: null, rows: 0, done: false };
        const total = Number(
          (db.prepare(`SELECT count(*) AS n FROM ${q(t.name)}`).get() as { n: bigint }).n,
        );
        const bar = opts.progress(t.name, total);
        if (p.done) {
          bar.finish(p.rows, '(already copied)');
          continue;
        }
        const cols = t.columns.map(q).join(', ');
        const keyCols = t.key.map(q).join(', ');
        const keyIdx = t.key.map((k) => t.columns.indexOf(k));
        const rowsPerBatch = Math.max(
          1,
          Math.min(opts.batchSize, Math.floor(MAX_PARAMS / t.columns.length)),
        );
        const keyTuple = `(${t.key.map(() => '?').join(', ')})`;
        const first = db
          .prepare(`SELECT ${cols} FROM ${q(t.name)} ORDER BY ${keyCols} LIMIT ?`)
          .raw(true);
        const next = db
          .prepare(
            `SELECT ${cols} FROM ${q(t.name)} WHERE (${keyCols}) > ${keyTuple} ORDER BY ${keyCols} LIMIT ?`,
          )
          .raw(true);
        let lastKey = p.lastKey;
        let copied = p.rows;
        bar.update(copied, true);
        for (;;) {
          const rows = (
            lastKey === null ? first.all(rowsPerBatch) : next.all(...lastKey, rowsPerBatch)
          ) as Row[];
          if (rows.length === 0) break;
          const params: Value[] = [];
          const tuples = rows.map((row) => {
            const start = params.length;
            for (const v of row) params.push(pgValue(v));
            return `(${row.map((_, i) => `$${start + i + 1}`).join(', ')})`;
          });
          lastKey = keyIdx.map((i) => rows[rows.length - 1]![i]!);
          await client.query('BEGIN');
          try {
            const res = await client.query(
              `INSERT INTO ${q(t.name)} (${cols}) VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING`,
              params,
            );
            copied += res.rowCount ?? 0;
            await client.query(
              `INSERT INTO copy_progress (table_name, last_key, rows_copied, done, updated_at)
               VALUES ($1, $2, $3, 0, $4)
               ON CONFLICT (table_name) DO UPDATE SET last_key = EXCLUDED.last_key,
                 rows_copied = EXCLUDED.rows_copied, updated_at = EXCLUDED.updated_at`,
              [t.name, encodeKey(lastKey), copied, nowIso()],
            );
            await client.query('COMMIT');
          } catch (err) {
            await client.query('ROLLBACK').catch(() => undefined);
            throw new MaintenanceError(`table ${t.name}: ${(err as Error).message}`);
          }
          bar.update(copied);
          batches++;
          opts.afterBatch?.(batches);
          if (rows.length < rowsPerBatch) break;
        }
        await client.query(
          `INSERT INTO copy_progress (table_name, last_key, rows_copied, done, updated_at)
           VALUES ($1, $2, $3, 1, $4)
           ON CONFLICT (table_name) DO UPDATE SET done = 1, rows_copied = EXCLUDED.rows_copied,
             updated_at = EXCLUDED.updated_at`,
          [t.name, lastKey === null ? null : encodeKey(lastKey), copied, nowIso()],
        );
        bar.finish(copied, 'copied');
      }

      // Verify: every table holds exactly as many rows as the source.
      const mismatched: string[] = [];
      for (const t of tables) {
        const want = Number(
          (db.prepare(`SELECT count(*) AS n FROM ${q(t.name)}`).get() as { n: bigint }).n,
        );
        const have = await count(client, t.name);
        if (want !== have) mismatched.push(`${t.name} (source ${want}, target ${have})`);
      }
      if (mismatched.length > 0)
        throw new MaintenanceError(`row counts differ after the copy: ${mismatched.join('; ')}`);
    } finally {
      db.exec('COMMIT');
    }
    await client.query('UPDATE copy_progress SET done = 1, updated_at = $2 WHERE table_name = $1', [
      RUN_ROW,
      nowIso(),
    ]);
    log(`copy complete: ${tables.length} tables, row counts verified`);
  } finally {
    client?.release();
    await pool.end().catch(() => undefined);
    db.close();
  }
}
