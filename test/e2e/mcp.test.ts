// `clickclack mcp` (stdio, the built binary as a subprocess) and `/mcp` (Streamable HTTP on
// a real `serve`), driven by the official MCP SDK's own client.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  ResourceUpdatedNotificationSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import {
  BIN,
  cleanEnv,
  cliOk,
  configHome,
  http,
  sessionFor,
  startServer,
  type RunningServer,
} from './helpers.js';

let srv: RunningServer;
let token: string;
let botToken: string;
let workspaceId: string;
let channelId: string;
const open: Client[] = [];

before(async () => {
  srv = await startServer();
  await cliOk([
    'admin',
    'bootstrap',
    '--data',
    srv.dataDir,
    '--name',
    'Ada',
    '--email',
    'ada@example.com',
  ]);
  token = await sessionFor(srv, 'ada@example.com');
  const ws = await http<{ workspaces: { id: string }[] }>(srv.url, 'GET', '/api/workspaces', {
    token,
  });
  workspaceId = ws.body.workspaces[0]!.id;
  const chs = await http<{ channels: { id: string; name: string }[] }>(
    srv.url,
    'GET',
    `/api/workspaces/${workspaceId}/channels`,
    { token },
  );
  channelId = chs.body.channels.find((c) => c.name === 'general')!.id;
  const bot = JSON.parse(
    await cliOk(
      ['bots', 'create', 'Reader', '--handle', 'reader', '--scopes', 'bot:read', '--json'],
      { env: { CLICKCLACK_SERVER: srv.url, CLICKCLACK_TOKEN: token } },
    ),
  ) as { bot_token: { token: string } };
  botToken = bot.bot_token.token;
});
after(async () => {
  await Promise.all(open.map((c) => c.close().catch(() => undefined)));
  await srv.cleanup();
});

async function stdioClient(as: string): Promise<Client> {
  const client = new Client({ name: 'e2e', version: '1' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [BIN, 'mcp'],
      env: cleanEnv({
        ...configHome(),
        CLICKCLACK_SERVER: srv.url,
        CLICKCLACK_TOKEN: as,
      }) as Record<string, string>,
      stderr: 'ignore',
    }),
  );
  open.push(client);
  return client;
}

async function httpClient(as: string): Promise<{ client: Client; sessionId: string }> {
  const client = new Client({ name: 'e2e', version: '1' });
  const transport = new StreamableHTTPClientTransport(new URL(`${srv.url}/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${as}` } },
  });
  await client.connect(transport);
  open.push(client);
  return { client, sessionId: transport.sessionId! };
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

/** A tool's structured result; fails the test on a tool error. */
async function ok<T>(client: Client, name: string, args: Record<string, unknown> = {}) {
  const res = await call(client, name, args);
  assert.notEqual(res.isError, true, JSON.stringify(res.content));
  return res.structuredContent as T;
}

const restMessages = async () =>
  (
    await http<{ messages: { id: string; body: string }[] }>(
      srv.url,
      'GET',
      `/api/channels/${channelId}/messages`,
      { token },
    )
  ).body.messages;

for (const transport of ['stdio', 'http'] as const) {
  const connect = async (as: string) =>
    transport === 'stdio' ? stdioClient(as) : (await httpClient(as)).client;

  test(`${transport}: lists the tools with schemas and annotations, and posts a message the REST API then shows`, async () => {
    const client = await connect(token);
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    for (const name of [
      'whoami',
      'list_workspaces',
      'list_channels',
      'list_dms',
      'read_channel',
      'read_dm',
      'read_thread',
      'post_message',
      'reply_in_thread',
      'quote_message',
      'edit_message',
      'delete_message',
      'react',
      'search',
      'list_mentions',
      'list_unread',
      'mark_read',
      'upload_file',
      'open_dm',
      'wait_for_events',
    ])
      assert.ok(byName.has(name), `missing tool ${name}`);
    assert.equal(byName.get('delete_message')!.annotations?.destructiveHint, true);
    assert.equal(byName.get('edit_message')!.annotations?.destructiveHint, true);
    assert.equal(byName.get('read_channel')!.annotations?.readOnlyHint, true);
    // The protocol's own schema: a message page's fields, as the REST API returns them.
    assert.deepEqual(Object.keys(byName.get('read_channel')!.outputSchema!.properties!).sort(), [
      'has_newer',
      'has_older',
      'messages',
      'newest_seq',
      'oldest_seq',
    ]);
    // Local paths are for the stdio server only.
    assert.equal(
      'path' in (byName.get('upload_file')!.inputSchema.properties ?? {}),
      transport === 'stdio',
    );

    const body = `hello over ${transport}`;
    const posted = await call(client, 'post_message', { channel_id: channelId, body });
    const message = (posted.structuredContent as { message: { id: string; body: string } }).message;
    assert.equal(message.body, body);
    assert.match((posted.content[0] as { text: string }).text, new RegExp(body));
    assert.ok((await restMessages()).some((m) => m.id === message.id && m.body === body));

    const page = await ok<{ messages: { id: string }[] }>(client, 'read_channel', {
      channel_id: channelId,
    });
    assert.equal(page.messages.at(-1)?.id, message.id);

    // The server's refusal comes back as a tool error with its message, not a crash.
    const missing = await call(client, 'read_channel', { channel_id: 'chn_missing' });
    assert.equal(missing.isError, true);
    assert.match((missing.content[0] as { text: string }).text, /404 Not Found: channel not found/);
    const invalid = await call(client, 'post_message', { channel_id: channelId });
    assert.equal(invalid.isError, true);
    assert.match((invalid.content[0] as { text: string }).text, /invalid arguments/);
    // …and the server goes on answering.
    await ok(client, 'whoami');
  });

  test(`${transport}: wait_for_events follows the channel while another client posts: nothing missed, nothing twice, in order`, async () => {
    const client = await connect(token);
    const start = await ok<{ events: unknown[]; next_cursor: string }>(client, 'wait_for_events', {
      timeout_seconds: 0,
    });
    assert.deepEqual(start.events, []);
    const posted: string[] = [];
    const poster = (async () => {
      for (let i = 0; i < 12; i++) {
        const res = await http<{ message: { id: string } }>(
          srv.url,
          'POST',
          `/api/channels/${channelId}/messages`,
          { token, body: { body: `follow ${transport} ${i}` } },
        );
        posted.push(res.body.message.id);
        if (i % 4 === 0) await new Promise((r) => setTimeout(r, 150));
      }
    })();
    const seen: string[] = [];
    let cursor = start.next_cursor;
    const deadline = Date.now() + 60_000;
    // A small page limit makes the follower page through bursts as well as wait.
    while (seen.length < 12 && Date.now() < deadline) {
      const res = await ok<{
        events: { type: string; cursor: string; payload: { message_id?: string } }[];
        next_cursor: string;
      }>(client, 'wait_for_events', {
        after_cursor: cursor,
        timeout_seconds: 5,
        limit: 3,
        channel_id: channelId,
      });
      for (const ev of res.events) {
        assert.ok(ev.cursor > cursor, 'events come after the cursor, in order');
        if (ev.type === 'message.created') seen.push(ev.payload.message_id!);
      }
      cursor = res.next_cursor;
    }
    await poster;
    assert.deepEqual(seen, posted);
    // Nothing more is pending for this follower.
    const rest = await ok<{ events: { type: string }[] }>(client, 'wait_for_events', {
      after_cursor: cursor,
      timeout_seconds: 0,
      channel_id: channelId,
    });
    assert.deepEqual(
      rest.events.filter((e) => e.type === 'message.created'),
      [],
    );
  });

  test(`${transport}: a bot:read token reads but its write is refused as a tool error`, async () => {
    const client = await connect(botToken);
    const me = await ok<{ user: { handle: string } }>(client, 'whoami');
    assert.equal(me.user.handle, 'reader');
    await ok(client, 'list_channels');
    const refused = await call(client, 'post_message', { channel_id: channelId, body: 'nope' });
    assert.equal(refused.isError, true);
    assert.match((refused.content[0] as { text: string }).text, /^403 Forbidden: .*messages:write/);
    assert.ok(!(await restMessages()).some((m) => m.body === 'nope'));
  });

  test(`${transport}: a subscribed channel resource gets notifications/resources/updated when a message arrives`, async () => {
    const client = await connect(token);
    const uri = `clickclack://channels/${channelId}`;
    const { resources } = await client.listResources();
    assert.ok(resources.some((r) => r.uri === uri));
    const updated = new Promise<string>((resolve) =>
      client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) =>
        resolve(n.params.uri),
      ),
    );
    await client.subscribeResource({ uri });
    const res = await http<{ message: { id: string } }>(
      srv.url,
      'POST',
      `/api/channels/${channelId}/messages`,
      { token, body: { body: `resource ${transport}` } },
    );
    const timeout = new Promise<string>((_, reject) =>
      setTimeout(() => reject(new Error('no resources/updated notification')), 30_000),
    );
    assert.equal(await Promise.race([updated, timeout]), uri);
    const read = await client.readResource({ uri });
    const page = JSON.parse((read.contents[0] as { text: string }).text) as {
      messages: { id: string }[];
    };
    assert.ok(page.messages.some((m) => m.id === res.body.message.id));
    await client.unsubscribeResource({ uri });
  });
}

test('http: /mcp needs a valid bearer token; a session belongs to the token that opened it', async () => {
  const init = {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'x', version: '1' },
    },
  };
  const post = (headers: Record<string, string>) =>
    fetch(`${srv.url}/mcp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...headers,
      },
      body: JSON.stringify(init),
    });
  const anonymous = await post({});
  assert.equal(anonymous.status, 401);
  assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Bearer/);
  assert.match(((await anonymous.json()) as { error: string }).error, /bearer token is required/);
  const forged = await post({ authorization: 'Bearer sst_forged' });
  assert.equal(forged.status, 401);
  assert.match(forged.headers.get('www-authenticate') ?? '', /^Bearer/);

  const { sessionId } = await httpClient(token);
  const stolen = await post({ authorization: `Bearer ${botToken}`, 'mcp-session-id': sessionId });
  assert.equal(stolen.status, 404);
});

test('stdio: upload_file reads a local path and posts it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cc-mcp-'));
  const file = join(dir, 'report.txt');
  writeFileSync(file, 'local bytes\n');
  try {
    const client = await stdioClient(token);
    const res = await ok<{ upload: { id: string; filename: string }; message: { id: string } }>(
      client,
      'upload_file',
      { path: file, channel_id: channelId },
    );
    assert.equal(res.upload.filename, 'report.txt');
    const download = await fetch(`${srv.url}/api/uploads/${res.upload.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(await download.text(), 'local bytes\n');
    assert.ok((await restMessages()).some((m) => m.id === res.message.id));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('http: upload_file takes base64 bytes and posts them; a local path is refused', async () => {
  const { client } = await httpClient(token);
  const text = 'bytes over MCP\n';
  const res = await ok<{ upload: { id: string; byte_size: number }; message: { id: string } }>(
    client,
    'upload_file',
    {
      channel_id: channelId,
      filename: 'note.txt',
      content_type: 'text/plain',
      content_base64: Buffer.from(text).toString('base64'),
      body: 'a note',
    },
  );
  assert.equal(res.upload.byte_size, text.length);
  const download = await fetch(`${srv.url}/api/uploads/${res.upload.id}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(await download.text(), text);
  const path = await call(client, 'upload_file', { path: '/etc/passwd', channel_id: channelId });
  assert.equal(path.isError, true);
  assert.match((path.content[0] as { text: string }).text, /invalid arguments/);
});
