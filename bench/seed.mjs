// Fast seeding straight into the SQLite file (not over HTTP): one prepared insert per row,
// 50,000 rows per transaction. The FTS triggers keep search in step, as in production.
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** The database, the channel's workspace and the first user, who writes everything seeded. */
function openSeeding(dataDir, channelId) {
  const db = new Database(join(dataDir, 'clickclack.db'));
  db.pragma('journal_mode = WAL');
  const { workspace_id: ws } = db
    .prepare('SELECT workspace_id FROM channels WHERE id = ?')
    .get(channelId);
  const author = db.prepare('SELECT id FROM users ORDER BY created_at LIMIT 1').get().id;
  return { db, ws, author };
}

/**
 * Appends root messages with seqs `from..to` to a channel; `body(seq)` gives the text. Like
 * the server, it writes no thread state for a root without replies (seedReplies does).
 */
export function seedMessages(dataDir, channelId, from, to, body) {
  const { db, ws, author } = openSeeding(dataDir, channelId);
  const ins = db.prepare(
    'INSERT INTO messages (id, workspace_id, channel_id, author_id, thread_root_id, channel_seq, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const tag = channelId.slice(-8);
  const batch = db.transaction((a, b) => {
    const at = new Date().toISOString();
    for (let seq = a; seq <= b; seq++) {
      const id = `msg_seed${tag}${String(seq).padStart(10, '0')}`;
      ins.run(id, ws, channelId, author, id, seq, body(seq), at);
    }
  });
  for (let a = from; a <= to; a += 50_000) batch(a, Math.min(to, a + 49_999));
  db.prepare('UPDATE channels SET last_seq = MAX(last_seq, ?) WHERE id = ?').run(to, channelId);
  db.close();
}

/**
 * Adds `perThread` replies to each of the channel's newest `threads` roots (thread seqs
 * 1..perThread) with their thread state; returns the root ids.
 */
export function seedReplies(dataDir, channelId, threads, perThread) {
  const { db, ws, author } = openSeeding(dataDir, channelId);
  const roots = db
    .prepare(
      'SELECT id FROM messages WHERE channel_id = ? AND channel_seq IS NOT NULL ORDER BY channel_seq DESC LIMIT ?',
    )
    .pluck()
    .all(channelId, threads);
  const ins = db.prepare(
    'INSERT INTO messages (id, workspace_id, channel_id, author_id, parent_message_id, thread_root_id, thread_seq, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const state = db.prepare(
    'INSERT INTO thread_state (root_message_id, reply_count, last_reply_at, last_reply_author_ids_json) VALUES (?, ?, ?, ?) ON CONFLICT (root_message_id) DO UPDATE SET reply_count = excluded.reply_count, last_reply_at = excluded.last_reply_at, last_reply_author_ids_json = excluded.last_reply_author_ids_json',
  );
  const at = new Date().toISOString();
  db.transaction(() => {
    roots.forEach((root, t) => {
      for (let seq = 1; seq <= perThread; seq++) {
        const id = `msg_reply${String(t).padStart(6, '0')}${String(seq).padStart(6, '0')}`;
        ins.run(id, ws, channelId, author, root, root, seq, `reply ${seq} in thread ${t}`, at);
      }
      state.run(root, perThread, at, JSON.stringify([author]));
    });
  })();
  db.close();
  return roots;
}
