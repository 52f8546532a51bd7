import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openSqliteDatabase, sqliteKysely } from '../src/store/dialects/sqlite.js';
import { inList, prepared } from '../src/store/prepared.js';

// Rows reach repositories through our own row builder (arrays from better-sqlite3, one
// literal per statement); they must be exactly the objects better-sqlite3 itself builds.
test('SQLite rows built from arrays equal better-sqlite3 objects', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cc-rows-'));
  const raw = openSqliteDatabase(join(dir, 'rows.db'));
  const db = sqliteKysely(raw);
  try {
    raw.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL, data BLOB)`);
    raw
      .prepare('INSERT INTO t (name, score, data) VALUES (?, ?, ?)')
      .run('a "quoted" name', 1.5, Buffer.from([1, 2]));
    raw.prepare('INSERT INTO t (name, score, data) VALUES (?, ?, ?)').run(null, null, null);
    const queries = [
      'SELECT * FROM t ORDER BY id',
      'SELECT id, name AS "weird ""key""", id AS id2 FROM t ORDER BY id',
      'SELECT 1 AS a, 2 AS a',
      'SELECT 1 AS "__proto__", 2 AS b',
      'SELECT * FROM t WHERE id > 100',
    ];
    for (const q of queries) {
      const ours = (await sql.raw(q).execute(db)).rows;
      assert.deepEqual(ours, raw.prepare(q).all(), q);
    }
    const inserted = await sql<{
      id: number;
      name: string;
    }>`INSERT INTO t (name) VALUES (${'new'}) RETURNING id, name`.execute(db);
    assert.deepEqual(inserted.rows, [{ id: 3, name: 'new' }]);
    const streamed = [];
    for await (const row of db
      .selectFrom('t' as never)
      .selectAll()
      .orderBy('id' as never)
      .stream())
      streamed.push(row);
    assert.deepEqual(streamed, raw.prepare('SELECT * FROM t ORDER BY id').all());
    // A list is bound as one JSON parameter, whatever it holds.
    const named = prepared<{ names: readonly string[] }, { id: number }>((k, p) =>
      k
        .selectFrom('t' as never)
        .select('id' as never)
        .where(inList(k, 'name', p.names))
        .orderBy('id' as never),
    );
    assert.deepEqual((await named(db, { names: ['a "quoted" name', 'new'] })).rows, [
      { id: 1 },
      { id: 3 },
    ]);
    assert.deepEqual((await named(db, { names: ['none', 'ünï\\'] })).rows, []);
  } finally {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
});
