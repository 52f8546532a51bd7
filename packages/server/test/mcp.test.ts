// `/mcp` on the real HTTP server (SQLite, or PostgreSQL with CLICKCLACK_TEST_PG_URL), driven
// by the official MCP SDK's client: the conversation tools end to end, as two users.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DmResponse, Message, MessageResponse } from '@clickclack/protocol';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  ResourceUpdatedNotificationSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import { api, startTestServer, team, until, type Team, type TestServer } from './helpers.js';

let srv: TestServer;
let t: Team;
let ada: Client;
let bob: Client;

async function connect(token: string): Promise<Client> {
  const client = new Client({ name: 'test', version: '1' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${srv.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

before(async () => {
  srv = await startTestServer();
  t = await team(srv, [['bob@example.com', 'Bob']]);
  ada = await connect(t.owner.token);
  bob = await connect(t.members[0]!.token);
});
after(async () => {
  await Promise.all([ada.close(), bob.close()]);
  await srv.close();
});

/** A tool's structured result; fails the test on a tool error. */
async function ok<T = Record<string, never>>(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<T> {
  const res = (await client.callTool({ name, arguments: args })) as CallToolResult;
  assert.notEqual(res.isError, true, `${name}: ${JSON.stringify(res.content)}`);
  return res.structuredContent as T;
}

test('a DM: opened, posted, counted unread for the other member, read, marked read', async () => {
  const bobId = t.members[0]!.userId;
  const { conversation } = await ok<DmResponse>(ada, 'open_dm', {
    user_ids: [bobId],
  });
  const { message } = await ok<MessageResponse>(ada, 'post_message', {
    conversation_id: conversation.id,
    body: 'a word in private',
  });
  const unread = await ok<{ conversations: { id: string; unread_count: number }[] }>(
    bob,
    'list_unread',
  );
  assert.deepEqual(
    unread.conversations.map((d) => [d.id, d.unread_count]),
    [[conversation.id, 1]],
  );
  const page = await ok<{ messages: Message[] }>(bob, 'read_dm', {
    conversation_id: conversation.id,
  });
  assert.deepEqual(
    page.messages.map((m) => m.id),
    [message.id],
  );
  await ok(bob, 'mark_read', { conversation_id: conversation.id });
  const after = await ok<{ conversations: { unread_count: number }[] }>(bob, 'list_dms');
  assert.equal(after.conversations[0]!.unread_count, 0);
  // Neither or both targets is the agent's mistake, said plainly.
  const both = (await ada.callTool({
    name: 'post_message',
    arguments: { channel_id: t.generalId, conversation_id: conversation.id, body: 'x' },
  })) as CallToolResult;
  assert.equal(both.isError, true);
  assert.match(
    (both.content[0] as { text: string }).text,
    /exactly one of channel_id or conversation_id/,
  );
});

test('a thread: replies, a quote, a reaction, an edit and a delete, followed by its resource and by wait_for_events', async () => {
  const { message: root } = await ok<MessageResponse>(ada, 'post_message', {
    channel_id: t.generalId,
    body: 'thread about pelicans',
  });
  const uri = `clickclack://threads/${root.id}`;
  const updates: string[] = [];
  bob.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
    updates.push(n.params.uri);
  });
  await bob.subscribeResource({ uri });
  const start = await ok<{ next_cursor: string }>(bob, 'wait_for_events', { timeout_seconds: 0 });

  const { message: reply } = await ok<MessageResponse>(bob, 'reply_in_thread', {
    message_id: root.id,
    body: 'pelicans can fly',
  });
  const { message: quote } = await ok<MessageResponse>(ada, 'quote_message', {
    message_id: reply.id,
    body: 'indeed',
  });
  assert.equal(quote.quoted_message_id, reply.id);
  const reacted = await ok<{ reactions: { emoji: string; count: number }[] }>(bob, 'react', {
    message_id: root.id,
    emoji: '👍',
  });
  assert.deepEqual(reacted.reactions, [{ emoji: '👍', count: 1, reacted_by_me: true }]);
  const edited = await ok<MessageResponse>(bob, 'edit_message', {
    message_id: reply.id,
    body: 'pelicans can really fly',
  });
  assert.equal(edited.message.body, 'pelicans can really fly');
  await ok(ada, 'delete_message', { message_id: quote.id });

  const thread = await ok<{ root: Message; replies: (Message & { deleted_at?: string })[] }>(
    bob,
    'read_thread',
    { message_id: root.id },
  );
  assert.equal(thread.root.id, root.id);
  assert.deepEqual(
    thread.replies.filter((m) => !m.deleted_at).map((m) => m.body),
    ['pelicans can really fly'],
  );

  // Without a position a thread opens at its newest replies, as a channel does.
  const newest = await ok<{ replies: Message[]; has_older: boolean }>(bob, 'read_thread', {
    message_id: root.id,
    limit: 1,
  });
  assert.deepEqual(
    newest.replies.map((m) => m.id),
    [quote.id],
  );
  assert.equal(newest.has_older, true);

  // Everything above touched the thread: followed by cursor, narrowed to it, in order.
  const seen: string[] = [];
  let cursor = start.next_cursor;
  for (let i = 0; i < 20 && !seen.includes('message.deleted'); i++) {
    const res = await ok<{ events: { type: string }[]; next_cursor: string }>(
      bob,
      'wait_for_events',
      { after_cursor: cursor, thread_id: root.id, timeout_seconds: 5 },
    );
    seen.push(...res.events.map((e) => e.type));
    cursor = res.next_cursor;
  }
  assert.deepEqual(
    seen.filter((type) => type !== 'thread.state_updated'),
    [
      'thread.reply_created',
      'thread.reply_created',
      // Bob replied, so he follows the thread and hears of Ada's reply privately too.
      'thread.followed_reply',
      'reaction.added',
      'message.updated',
      'message.deleted',
    ],
  );
  await until('a resources/updated notification', () => updates.length > 0);
  assert.ok(
    updates.every((u) => u === uri),
    JSON.stringify(updates),
  );
  await bob.unsubscribeResource({ uri });
});

test('search, mentions and whoami', async () => {
  await api(srv, 'PATCH', '/api/me', { token: t.members[0]!.token, body: { handle: 'bob' } });
  const me = await ok<{ user: { id: string; handle: string } }>(bob, 'whoami');
  assert.equal(me.user.id, t.members[0]!.userId);
  const { message } = await ok<MessageResponse>(ada, 'post_message', {
    channel_id: t.generalId,
    body: `@${me.user.handle} the flamingo report is ready`,
  });
  const found = await ok<{ results: { id: string }[] }>(bob, 'search', { q: 'flamingo' });
  assert.deepEqual(
    found.results.map((r) => r.id),
    [message.id],
  );
  const mentions = await ok<{ mentions: { message: Message }[] }>(bob, 'list_mentions');
  assert.equal(mentions.mentions[0]?.message.id, message.id);
  // The same message through REST: the tools return the API's own shapes.
  const rest = await api<MessageResponse>(srv, 'GET', `/api/messages/${message.id}`, {
    token: t.members[0]!.token,
  });
  assert.equal(rest.body.message.body, message.body);
});

test('resource and upload mistakes: an unknown resource is MCP "resource not found", bad base64 a tool error', async () => {
  await assert.rejects(ada.readResource({ uri: 'clickclack://channels/chn_missing' }), (err) => {
    assert.equal((err as { code?: number }).code, -32002);
    assert.match(String(err), /channel not found/);
    return true;
  });
  await assert.rejects(ada.readResource({ uri: 'https://example.com/' }), /unknown resource/);
  const bad = (await ada.callTool({
    name: 'upload_file',
    arguments: { filename: 'x.bin', content_base64: 'not base64!' },
  })) as CallToolResult;
  assert.equal(bad.isError, true);
  assert.match((bad.content[0] as { text: string }).text, /content_base64 is not base64/);
});

test('a token keeps at most 16 sessions: opening a 17th closes its least recently used', async () => {
  const transports: StreamableHTTPClientTransport[] = [];
  const clients: Client[] = [];
  // With Bob's session from before(), the last of these is his 17th.
  for (let i = 0; i < 16; i++) {
    const transport = new StreamableHTTPClientTransport(new URL(`${srv.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${t.members[0]!.token}` } },
    });
    const client = new Client({ name: 'test', version: '1' });
    await client.connect(transport);
    transports.push(transport);
    clients.push(client);
  }
  const status = async (i: number) =>
    (
      await fetch(`${srv.url}/mcp`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${t.members[0]!.token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-session-id': transports[i]!.sessionId!,
          'mcp-protocol-version': transports[i]!.protocolVersion ?? '2025-06-18',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
      })
    ).status;
  // Bob's session from before() was his least recently used: it was closed, the rest live.
  await assert.rejects(
    bob.callTool({ name: 'whoami', arguments: {} }),
    /session not found: initialize a new one/,
  );
  assert.equal(await status(0), 200);
  assert.equal(await status(15), 200);
  await Promise.all(clients.map((c) => c.close()));
});
