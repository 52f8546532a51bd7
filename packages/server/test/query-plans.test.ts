import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import {
  PNG,
  TEST_PG_URL,
  api,
  signIn,
  startTestServer,
  uploadFile,
  type TestServer,
} from './helpers.js';
import { setPassword } from '../src/services/auth/passwords.js';
import { sweepOrphanUploads } from '../src/services/uploads/uploads.js';

// Tables that grow with use. A statement the server runs while serving requests must reach
// them through an index: a scan costs nothing in a test and seconds at a million messages
// (the newest page of a channel and every post with a nonce once scanned the whole table,
// as did thread pages, until their queries and indexes said what the planner needed).
const GROWING = new Set([
  'messages',
  'events',
  'event_recipients',
  'reactions',
  'mentions',
  'message_attachments',
  'uploads',
  'thread_state',
  'thread_follows',
  'channel_reads',
  'pinned_messages',
  'sessions',
  'user_passwords',
  'users',
  'audit_log_entries',
  'bot_setup_codes',
]);

// Scans that stop early by design, with why.
const ALLOWED = [
  // the bootstrap user: the first row of the created_at index
  /from "users" order by "created_at", "id" limit/,
];

const prepared = new Set<string>();
const originalPrepare = Database.prototype.prepare;
let srv: TestServer;

before(async () => {
  Database.prototype.prepare = function (this: Database.Database, source: string) {
    prepared.add(source);
    return originalPrepare.call(this, source);
  } as typeof originalPrepare;
  srv = await startTestServer({ sqlite: true, passwordAuth: true });
});
after(async () => {
  Database.prototype.prepare = originalPrepare;
  await srv.close();
});

/** Each table a plan line walks in full, by its name in the SQL (aliases resolved). */
function scannedTables(sql: string, plan: string[]): string[] {
  const aliases = new Map<string, string>();
  for (const m of sql.matchAll(/"(\w+)" as "(\w+)"/g)) aliases.set(m[2]!, m[1]!);
  return plan.flatMap((line) => {
    const m = /^SCAN (\w+)/.exec(line);
    if (!m) return [];
    const table = aliases.get(m[1]!) ?? m[1]!;
    return GROWING.has(table) ? [table] : [];
  });
}

test(
  'no statement run for requests walks a growing table in full',
  { skip: TEST_PG_URL !== '' && 'SQLite plans: checked in the SQLite pass' },
  async () => {
    const a = await signIn(srv, 'plans-a@example.com', 'Plans A');
    const b = await signIn(srv, 'plans-b@example.com', 'Plans B');
    const call = async <T = Record<string, unknown>>(
      method: string,
      path: string,
      token: string,
      body?: unknown,
    ) => {
      const res = await api<T>(srv, method, path, { token, ...(body ? { body } : {}) });
      assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };
    const ws = await call<{ workspace: { id: string } }>('POST', '/api/workspaces', a.token, {
      name: 'Plans',
    });
    const wid = ws.workspace.id;
    await call('POST', `/api/workspaces/${wid}/members`, a.token, { user_id: b.userId });
    const { channel } = await call<{ channel: { id: string } }>(
      'POST',
      `/api/workspaces/${wid}/channels`,
      a.token,
      { name: 'plans' },
    );
    await call('POST', `/api/channels/${channel.id}/join`, b.token, {});
    const up = await uploadFile<{ upload: { id: string } }>(
      srv,
      a.token,
      PNG,
      'dot.png',
      'image/png',
      `?workspace_id=${wid}&nonce=up-1`,
    );
    await call('GET', `/api/uploads/by-nonce?workspace_id=${wid}&nonce=up-1`, a.token);
    const root = await call<{ message: { id: string } }>(
      'POST',
      `/api/channels/${channel.id}/messages`,
      a.token,
      { body: 'root @plans-b', nonce: 'plan-1', upload_id: up.body.upload.id },
    );
    const rootId = root.message.id;
    await call('POST', `/api/channels/${channel.id}/messages`, a.token, {
      body: 'root @plans-b',
      nonce: 'plan-1',
    });
    await call('GET', `/api/messages/by-nonce?workspace_id=${wid}&nonce=plan-1`, a.token);
    await call('POST', `/api/channels/${channel.id}/messages`, b.token, {
      body: 'quote',
      quoted_message_id: rootId,
    });
    await call('POST', `/api/messages/${rootId}/reactions`, b.token, { emoji: '👀' });
    const reply = await call<{ message: { id: string } }>(
      'POST',
      `/api/messages/${rootId}/thread/replies`,
      b.token,
      { body: 'a reply', nonce: 'plan-2' },
    );
    await call('PATCH', `/api/messages/${reply.message.id}`, b.token, { body: 'edited' });
    await call('DELETE', `/api/messages/${reply.message.id}`, b.token);
    await call('POST', `/api/channels/${channel.id}/pins`, a.token, { message_id: rootId });
    for (const q of ['', '?before_seq=2', '?after_seq=1', '?around_seq=1', '?mode=latest'])
      await call('GET', `/api/channels/${channel.id}/messages${q}`, b.token);
    for (const q of ['', '?latest=true', '?after_seq=1', '?before_seq=2'])
      await call('GET', `/api/messages/${rootId}/thread${q}`, a.token);
    await call('GET', `/api/messages/${rootId}`, b.token);
    const file = await fetch(`${srv.url}/api/uploads/${up.body.upload.id}`, {
      headers: { authorization: `Bearer ${b.token}` },
    });
    assert.equal(file.status, 200);
    await file.arrayBuffer();
    await call('POST', `/api/channels/${channel.id}/read`, b.token, { seq: 2 });
    const dm = await call<{ conversation: { id: string } }>('POST', '/api/dms', a.token, {
      workspace_id: wid,
      member_ids: [b.userId],
    });
    await call('POST', `/api/dms/${dm.conversation.id}/messages`, a.token, {
      body: 'dm',
      nonce: 'plan-3',
    });
    await call('GET', `/api/dms/${dm.conversation.id}/messages`, b.token);
    await call('GET', `/api/dms/${dm.conversation.id}/messages?before_seq=2`, b.token);
    await call('GET', `/api/search?workspace_id=${wid}&q=root`, b.token);
    await call('GET', `/api/workspaces/${wid}/channels`, b.token);
    const doomed = await call<{ channel: { id: string } }>(
      'POST',
      `/api/workspaces/${wid}/channels`,
      a.token,
      { name: 'plans-doomed' },
    );
    await call('POST', `/api/channels/${doomed.channel.id}/messages`, a.token, { body: 'bye' });
    await call('GET', `/api/channels/${doomed.channel.id}/deletion-preview`, a.token);
    await call('DELETE', `/api/channels/${doomed.channel.id}`, a.token);
    await setPassword(srv.deps, (await srv.store.read.users.byId(b.userId))!, 'plans password');
    await call('PATCH', '/api/me', b.token, { handle: 'plans-b' });
    for (const identifier of ['plans-b@example.com', 'plans-b'])
      await call('POST', '/api/auth/password/login', b.token, {
        identifier,
        password: 'plans password',
      });
    await call('POST', '/api/auth/password/change', b.token, {
      current_password: 'plans password',
      new_password: 'plans password 2',
    });
    await call('GET', '/api/me', b.token);
    const bot = await call<{ bot: { id: string } }>(
      'POST',
      `/api/workspaces/${wid}/bots`,
      a.token,
      {
        display_name: 'Plans bot',
      },
    );
    const { setup_code } = await call<{ setup_code: { code: string } }>(
      'POST',
      `/api/workspaces/${wid}/bots/${bot.bot.id}/setup-codes`,
      a.token,
      { name: 'plans' },
    );
    await call('POST', '/api/bot-setup-codes/claim', a.token, { code: setup_code.code });
    await call('GET', `/api/workspaces/${wid}/members`, b.token);
    await call('PATCH', `/api/workspaces/${wid}`, a.token, { name: 'Plans renamed' });
    await call('GET', `/api/workspaces/${wid}/deletion-preview`, a.token);
    await call('DELETE', `/api/workspaces/${wid}`, a.token);
    await sweepOrphanUploads(srv.deps, 0);

    const db = new Database(srv.dbUrl.replace(/^sqlite:\/\//, ''), { readonly: true });
    try {
      const offenders: string[] = [];
      // Each page runs a has-more probe: it must be answered from the seq index alone.
      const probes: string[] = [];
      for (const sql of prepared) {
        const probe = /^select "(channel|thread)_seq" as "seq" from "messages"/.test(sql);
        if (probe) probes.push(sql);
        // Inserts list the foreign-key checks they would run on a violation, never taken.
        if (!/^\s*(select|update|delete|with)\b/i.test(sql)) continue;
        if (ALLOWED.some((re) => re.test(sql))) continue;
        const explain: Database.Statement<unknown[]> = originalPrepare.call(
          db,
          `explain query plan ${sql}`,
        );
        const params = (sql.match(/\?/g) ?? []).length;
        const plan = (explain.all(...Array<null>(params).fill(null)) as { detail: string }[]).map(
          (r) => r.detail,
        );
        if (probe && !plan.some((line) => /COVERING INDEX/.test(line)))
          offenders.push(`reads the table behind its index: ${sql}\n  ${plan.join(' | ')}`);
        const scanned = scannedTables(sql, plan);
        if (scanned.length > 0)
          offenders.push(`${scanned.join(', ')}: ${sql}\n  ${plan.join(' | ')}`);
      }
      assert.ok(prepared.size > 40, `only ${prepared.size} statements were recorded`);
      // channel pages both ways, a DM page and a thread page
      assert.ok(probes.length >= 4, `only ${probes.length} has-more probes were recorded`);
      assert.deepEqual(offenders, []);
    } finally {
      db.close();
    }
  },
);

/** The columns that lead an index of `table` usable for `col = ?`. */
function leadingColumns(db: Database.Database, table: string): Set<string | undefined> {
  // A partial index serves `col = ?` only if its condition is `col IS NOT NULL`.
  return new Set(
    (db.pragma(`index_list("${table}")`) as { name: string; partial: number }[]).flatMap((ix) => {
      const col = (db.pragma(`index_info("${ix.name}")`) as { name: string }[])[0]?.name;
      const sql = String(
        db.prepare('select sql from sqlite_master where name = ?').pluck().get(ix.name),
      );
      const where = /\bWHERE\s+(.*)$/is.exec(sql)?.[1]?.trim();
      return !ix.partial || where === `${col} IS NOT NULL` ? [col] : [];
    }),
  );
}

// Deleting a channel deletes its messages, and each deleted row makes the database look up
// the rows that refer to it: without an index leading with the referring column, that is a
// walk of the whole referring table per deleted row.
test(
  'every column of a growing table that refers to a channel or a message leads an index',
  { skip: TEST_PG_URL !== '' && 'SQLite schema: checked in the SQLite pass' },
  () => {
    const db = new Database(srv.dbUrl.replace(/^sqlite:\/\//, ''), { readonly: true });
    try {
      const unindexed: string[] = [];
      let references = 0;
      for (const table of GROWING) {
        const keys = db.pragma(`foreign_key_list("${table}")`) as { table: string; from: string }[];
        const leading = leadingColumns(db, table);
        for (const key of keys.filter((k) => k.table === 'messages' || k.table === 'channels')) {
          references++;
          if (!leading.has(key.from)) unindexed.push(`${table}.${key.from}`);
        }
      }
      assert.ok(references >= 11, `only ${references} references were found`);
      assert.deepEqual(unindexed, []);
    } finally {
      db.close();
    }
  },
);

// Deleting a workspace deletes, by foreign key, every row that refers to it, every row that
// refers to one of those, and so on; each deleted row makes the database look up the rows
// that refer to it, a walk of the whole referring table unless an index leads with the key.
test(
  'every reference to a row that goes with a deleted workspace leads an index',
  { skip: TEST_PG_URL !== '' && 'SQLite schema: checked in the SQLite pass' },
  () => {
    const db = new Database(srv.dbUrl.replace(/^sqlite:\/\//, ''), { readonly: true });
    try {
      type Key = { id: number; seq: number; table: string; from: string; on_delete: string };
      const tables = db
        .prepare("select name from sqlite_master where type = 'table' and sql like 'CREATE TABLE%'")
        .pluck()
        .all() as string[];
      const keys = new Map(
        tables.map((t) => [t, db.pragma(`foreign_key_list("${t}")`) as Key[]] as const),
      );
      const goes = new Set(['workspaces']);
      for (let grew = true; grew;) {
        grew = false;
        for (const [table, list] of keys)
          if (!goes.has(table) && list.some((k) => goes.has(k.table) && k.on_delete === 'CASCADE'))
            grew = Boolean(goes.add(table));
      }
      const unindexed: string[] = [];
      let references = 0;
      for (const [table, list] of keys) {
        const leading = leadingColumns(db, table);
        // A key of several columns is looked up by all of them: its first must lead.
        for (const key of list.filter((k) => k.seq === 0 && goes.has(k.table))) {
          references++;
          if (!leading.has(key.from)) unindexed.push(`${table}.${key.from} -> ${key.table}`);
        }
      }
      assert.ok(goes.size > 25, `only ${goes.size} tables go with a workspace`);
      assert.ok(references > 40, `only ${references} references were found`);
      assert.deepEqual(unindexed, []);
    } finally {
      db.close();
    }
  },
);
