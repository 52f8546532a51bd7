import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import {
  Channel,
  ChannelListResponse,
  CreateMessageBody,
  CreateReplyBody,
  DirectConversation,
  DmListResponse,
  DmResponse,
  Event,
  MeResponse,
  Message,
  MessageEventResponse,
  MessageMutationResponse,
  MessagePage,
  MentionsResponse,
  ReactionBody,
  ReceiptResponse,
  ReplyResponse,
  ReactionsResponse,
  SearchQuery,
  SearchResponse,
  ThreadPage,
  UpdateMessageBody,
  Upload,
  WorkspaceListResponse,
} from '@clickclack/protocol';
import type { SearchOptions } from '@clickclack/sdk';
import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { Type, type Static, type TObject, type TProperties, type TSchema } from 'typebox';
import { workspaceId, ToolInputError, type McpContext } from './context.js';
import { channelLine, dmLine, eventLine, messageLine, messageLines, who } from './render.js';

/**
 * The tools. Inputs are TypeBox objects built from the protocol's own request schemas and
 * outputs are the protocol's response schemas, so the JSON Schemas an agent sees are the
 * wire contract itself (TypeBox schemas are JSON Schema; the low-level MCP server lists
 * them as they are).
 */
export interface Tool<I extends TObject = TObject> {
  name: string;
  title: string;
  description: string;
  input: I;
  output: TObject;
  annotations: ToolAnnotations;
  run(args: Static<I>): Promise<{ structured: object; text: string }>;
}

const tool = <P extends TProperties>(def: Omit<Tool<TObject<P>>, 'input'> & { input: P }): Tool =>
  ({ ...def, input: Type.Object(def.input, { additionalProperties: false }) }) as Tool;

const READ: ToolAnnotations = { readOnlyHint: true, openWorldHint: false };
const WRITE: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: false,
  openWorldHint: false,
};
const DESTRUCTIVE: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: true,
  openWorldHint: false,
};

const id = (description: string) => Type.String({ maxLength: 100, description });
const opt = <T extends TSchema>(schema: T) => Type.Optional(schema);
const seq = (description: string) => opt(Type.Integer({ minimum: 0, description }));

const workspaceArg = {
  workspace_id: opt(id('workspace id (default: the configured workspace, else the first)')),
};
/** A message page: the newest by default, `before_seq: oldest_seq` for the page before. */
const pageArgs = {
  limit: opt(Type.Integer({ minimum: 1, maximum: 200, description: 'page size (default 50)' })),
  before_seq: seq('messages before this seq (pass the previous oldest_seq to page back)'),
  after_seq: seq('messages after this seq (pass the previous newest_seq to page on)'),
  around_seq: seq('a page centred on this seq'),
};
/** Exactly one conversation: a channel or a DM. */
const conversationArgs = {
  channel_id: opt(id('channel id (chn_…)')),
  conversation_id: opt(id('direct conversation id (dm_…)')),
};
function conversation(args: { channel_id?: string; conversation_id?: string }) {
  if (!args.channel_id === !args.conversation_id)
    throw new ToolInputError('give exactly one of channel_id or conversation_id');
  return args.channel_id
    ? { kind: 'channel' as const, id: args.channel_id }
    : { kind: 'dm' as const, id: args.conversation_id! };
}

const done = (structured: object, text: string) => ({ structured, text });

/** What a new message may carry; files go through `upload_file`. */
const postFields = Type.Omit(CreateMessageBody, ['upload_id']).properties;

const UnreadResult = Type.Object({
  channels: Type.Array(Channel),
  conversations: Type.Array(DirectConversation),
});
const UploadResult = Type.Object({ upload: Upload, message: opt(Message) });
const EventsResult = Type.Object({
  events: Type.Array(Event),
  next_cursor: Type.String({
    description: 'pass back as after_cursor: every event up to it has been read',
  }),
  has_more: Type.Boolean(),
});

/** Longest single wait the pull endpoint allows (it caps `wait` at 30 s). */
const MAX_WAIT_S = 30;

/** The bytes of an upload: a local file (stdio only) or base64 in the call. */
function uploadSource(
  ctx: McpContext,
  args: { path?: string; content_base64?: string; filename?: string },
): { stream: ReadableStream<Uint8Array>; filename: string } {
  if (args.path !== undefined && args.content_base64 !== undefined)
    throw new ToolInputError('give either path or content_base64, not both');
  if (args.path !== undefined) {
    if (!ctx.allowFilePaths)
      throw new ToolInputError('path uploads work only with the stdio server; send content_base64');
    try {
      if (!statSync(args.path).isFile()) throw new Error('not a regular file');
    } catch (err) {
      throw new ToolInputError(`read ${args.path}: ${(err as Error).message}`);
    }
    return {
      stream: Readable.toWeb(createReadStream(args.path)) as ReadableStream<Uint8Array>,
      filename: args.filename ?? basename(args.path),
    };
  }
  if (args.content_base64 === undefined) throw new ToolInputError('give path or content_base64');
  if (!args.filename) throw new ToolInputError('filename is required with content_base64');
  // Buffer.from skips what is not base64: refuse it rather than upload garbage.
  if (!/^[A-Za-z0-9+/\s]*=*\s*$/.test(args.content_base64))
    throw new ToolInputError('content_base64 is not base64');
  const bytes = Buffer.from(args.content_base64, 'base64');
  return { stream: new Blob([bytes]).stream(), filename: args.filename };
}

/** Whether an event concerns the conversation or thread a wait was narrowed to. */
export function eventConcerns(
  ev: Event,
  scope: { channel_id?: string; conversation_id?: string; thread_id?: string },
): boolean {
  const p = ev.payload;
  if (scope.channel_id && ev.channel_id !== scope.channel_id) return false;
  if (scope.conversation_id && p.direct_conversation_id !== scope.conversation_id) return false;
  if (scope.thread_id && p.root_message_id !== scope.thread_id && p.message_id !== scope.thread_id)
    return false;
  return true;
}

/** The newest cursor the caller can see in a workspace: where "from now on" starts. */
export async function tailCursor(ctx: McpContext, workspace: string): Promise<string> {
  return (await ctx.client.events.list({ workspaceId: workspace, limit: 1, includeTail: true }))
    .tailCursor;
}

export function buildTools(ctx: McpContext): Tool[] {
  const c = ctx.client;
  const path = opt(Type.String({ description: 'a local file to upload' }));
  // Over HTTP the argument does not exist: the schema refuses it.
  const uploadPath = (ctx.allowFilePaths ? { path } : {}) as { path: typeof path };
  return [
    tool({
      name: 'whoami',
      title: 'Who am I',
      description: 'The signed-in user (or bot) this server acts as.',
      input: {},
      output: MeResponse,
      annotations: READ,
      async run() {
        const user = await c.me();
        return done({ user }, `${who(user)} (${user.display_name}, ${user.id})`);
      },
    }),
    tool({
      name: 'list_workspaces',
      title: 'List workspaces',
      description: 'Workspaces you belong to.',
      input: {},
      output: WorkspaceListResponse,
      annotations: READ,
      async run() {
        const workspaces = await c.workspaces.list();
        return done(
          { workspaces },
          workspaces.map((w) => `${w.name} (${w.id}, slug ${w.slug})`).join('\n') ||
            '(no workspaces)',
        );
      },
    }),
    tool({
      name: 'list_channels',
      title: 'List channels',
      description: 'Channels of a workspace you can see, with your unread and mention counts.',
      input: workspaceArg,
      output: ChannelListResponse,
      annotations: READ,
      async run(args) {
        const channels = await c.channels.list(await workspaceId(ctx, args.workspace_id));
        return done({ channels }, channels.map(channelLine).join('\n') || '(no channels)');
      },
    }),
    tool({
      name: 'list_dms',
      title: 'List direct messages',
      description: 'Your direct conversations in a workspace, with unread and mention counts.',
      input: workspaceArg,
      output: DmListResponse,
      annotations: READ,
      async run(args) {
        const conversations = await c.dms.list(await workspaceId(ctx, args.workspace_id));
        return done(
          { conversations },
          conversations.map(dmLine).join('\n') || '(no direct conversations)',
        );
      },
    }),
    tool({
      name: 'read_channel',
      title: 'Read a channel',
      description:
        'One page of a channel’s messages (thread replies are in read_thread), oldest first. ' +
        'Newest page by default; page back with before_seq = oldest_seq while has_older.',
      input: { channel_id: id('channel id (chn_…)'), ...pageArgs },
      output: MessagePage,
      annotations: READ,
      async run({ channel_id, ...page }) {
        const res = await c.channels.messagePage(channel_id, page);
        return done(res, messageLines(res.messages));
      },
    }),
    tool({
      name: 'read_dm',
      title: 'Read a direct conversation',
      description:
        'One page of a direct conversation, oldest first; page like read_channel (before_seq, after_seq).',
      input: { conversation_id: id('direct conversation id (dm_…)'), ...pageArgs },
      output: MessagePage,
      annotations: READ,
      async run({ conversation_id, ...page }) {
        const res = await c.dms.messagePage(conversation_id, page);
        return done(res, messageLines(res.messages));
      },
    }),
    tool({
      name: 'read_thread',
      title: 'Read a thread',
      description:
        'A thread’s root and one page of its replies, oldest first: the newest page unless before_seq, after_seq or around_seq says otherwise.',
      input: { message_id: id('the thread’s root message id (msg_…)'), ...pageArgs },
      output: ThreadPage,
      annotations: READ,
      async run({ message_id, ...page }) {
        const positioned = ['before_seq', 'after_seq', 'around_seq'].some((k) => k in page);
        // The API starts a thread at its first reply; an agent wants where it is now.
        const res = await c.threads.get(message_id, positioned ? page : { ...page, latest: true });
        return done(
          res,
          `${messageLine(res.root)}\n--- ${res.thread_state.reply_count} replies\n${messageLines(res.replies)}`,
        );
      },
    }),
    tool({
      name: 'post_message',
      title: 'Post a message',
      description:
        'Posts a message (markdown) to a channel or a direct conversation. A nonce makes a retry return the first message instead of posting twice.',
      input: { ...conversationArgs, ...postFields },
      output: MessageEventResponse,
      annotations: WRITE,
      async run({ channel_id, conversation_id, ...body }) {
        const to = conversation({ channel_id, conversation_id });
        const res =
          to.kind === 'channel'
            ? await c.channels.sendMessageWithEvent(to.id, body)
            : await c.dms.sendMessageWithEvent(to.id, body);
        return done(res, `posted ${messageLine(res.message)}`);
      },
    }),
    tool({
      name: 'reply_in_thread',
      title: 'Reply in a thread',
      description: 'Replies in the thread under a root message (starting the thread if new).',
      input: { message_id: id('the root message id (msg_…)'), ...CreateReplyBody.properties },
      output: ReplyResponse,
      annotations: WRITE,
      async run({ message_id, ...body }) {
        const res = await c.threads.replyWithEvent(message_id, body);
        return done(res, `replied ${messageLine(res.message)}`);
      },
    }),
    tool({
      name: 'quote_message',
      title: 'Quote a message',
      description:
        'Posts a message quoting another, where the quoted one lives: its channel or DM, or its thread for a reply.',
      input: {
        message_id: id('the message to quote (msg_…)'),
        body: CreateMessageBody.properties.body,
        nonce: CreateMessageBody.properties.nonce,
      },
      output: MessageEventResponse,
      annotations: WRITE,
      async run({ message_id, body, nonce }) {
        const quoted = await c.messages.get(message_id);
        const input = { body, nonce, quoted_message_id: message_id };
        const res = quoted.parent_message_id
          ? await c.threads.replyWithEvent(quoted.thread_root_id, input)
          : quoted.channel_id
            ? await c.channels.sendMessageWithEvent(quoted.channel_id, input)
            : await c.dms.sendMessageWithEvent(quoted.direct_conversation_id ?? '', input);
        return done({ message: res.message }, `posted ${messageLine(res.message)}`);
      },
    }),
    tool({
      name: 'edit_message',
      title: 'Edit a message',
      description: 'Replaces the text of one of your messages.',
      input: { message_id: id('message id (msg_…)'), ...UpdateMessageBody.properties },
      output: MessageMutationResponse,
      annotations: { ...DESTRUCTIVE, idempotentHint: true },
      async run({ message_id, body }) {
        const res = await c.messages.updateWithEvent(message_id, { body });
        return done(res, `edited ${messageLine(res.message)}`);
      },
    }),
    tool({
      name: 'delete_message',
      title: 'Delete a message',
      description:
        'Deletes a message: your own, or any channel message if you moderate the workspace.',
      input: { message_id: id('message id (msg_…)') },
      output: MessageMutationResponse,
      annotations: { ...DESTRUCTIVE, idempotentHint: true },
      async run({ message_id }) {
        const res = await c.messages.deleteWithEvent(message_id);
        return done(res, `deleted ${res.message.id}`);
      },
    }),
    tool({
      name: 'react',
      title: 'React to a message',
      description: 'Adds an emoji reaction to a message, or removes yours with remove: true.',
      input: {
        message_id: id('message id (msg_…)'),
        ...ReactionBody.properties,
        remove: opt(Type.Boolean({ description: 'remove your reaction instead' })),
      },
      output: ReactionsResponse,
      annotations: { ...WRITE, idempotentHint: true },
      async run({ message_id, emoji, remove }) {
        const res = remove
          ? await c.messages.removeReaction(message_id, emoji)
          : await c.messages.addReaction(message_id, emoji);
        return done(
          res,
          res.reactions.map((r) => `${r.emoji}×${r.count}`).join(' ') || '(no reactions)',
        );
      },
    }),
    tool({
      name: 'search',
      title: 'Search messages',
      description:
        'Full-text search of the messages you can read (filters: channel, DM, author, thread, after/before dates). Page on with cursor = next_cursor.',
      input: {
        ...SearchQuery.properties,
        ...workspaceArg,
        limit: opt(Type.Integer({ minimum: 1, maximum: 100, description: 'page size' })),
      },
      output: SearchResponse,
      annotations: READ,
      async run(args) {
        const res = await c.search(await workspaceId(ctx, args.workspace_id), args.q, {
          channelId: args.channel_id,
          directConversationId: args.direct_conversation_id,
          sort: args.sort as SearchOptions['sort'],
          limit: args.limit,
          cursor: args.cursor,
          authorId: args.author_id,
          threadRootId: args.thread_root_id,
          after: args.after,
          before: args.before,
        });
        return done(
          res,
          res.results
            .map((r) => `${who(r.author)} ${r.created_at} (${r.id}): ${r.snippet}`)
            .join('\n') || '(no results)',
        );
      },
    }),
    tool({
      name: 'list_mentions',
      title: 'List my mentions',
      description: 'Messages that mention you, newest first; page on with before = next_before.',
      input: {
        workspace_id: opt(id('only this workspace')),
        limit: opt(Type.Integer({ minimum: 1, maximum: 100, description: 'page size' })),
        before: opt(Type.String({ maxLength: 40, description: 'next_before of the last page' })),
      },
      output: MentionsResponse,
      annotations: READ,
      async run(args) {
        const res = await c.mentions(args);
        return done(
          res,
          res.mentions.map((m) => `${m.kind}: ${messageLine(m.message)}`).join('\n') ||
            '(no mentions)',
        );
      },
    }),
    tool({
      name: 'list_unread',
      title: 'List unread conversations',
      description:
        'Channels and direct conversations with unread messages, with unread and mention counts.',
      input: workspaceArg,
      output: UnreadResult,
      annotations: READ,
      async run(args) {
        const ws = await workspaceId(ctx, args.workspace_id);
        const [allChannels, allDms] = await Promise.all([c.channels.list(ws), c.dms.list(ws)]);
        const channels = allChannels.filter((ch) => ch.unread_count > 0);
        const conversations = allDms.filter((d) => d.unread_count > 0);
        return done(
          { channels, conversations },
          [...channels.map(channelLine), ...conversations.map(dmLine)].join('\n') ||
            '(nothing unread)',
        );
      },
    }),
    tool({
      name: 'mark_read',
      title: 'Mark as read',
      description:
        'Moves your read pointer in a channel or DM forward to seq (default: its newest message).',
      input: { ...conversationArgs, seq: seq('read up to this seq (default: the newest)') },
      output: ReceiptResponse,
      annotations: { ...WRITE, idempotentHint: true },
      async run(args) {
        const to = conversation(args);
        const receipt =
          to.kind === 'channel'
            ? await c.channels.markRead(to.id, args.seq ?? (await c.channels.get(to.id)).last_seq)
            : await c.dms.markRead(to.id, args.seq ?? (await c.dms.get(to.id)).last_seq);
        return done({ receipt }, `read up to ${receipt.last_read_seq} in ${to.id}`);
      },
    }),
    tool({
      name: 'upload_file',
      title: 'Upload a file',
      description:
        (ctx.allowFilePaths
          ? 'Uploads a local file (path) or bytes (content_base64)'
          : 'Uploads bytes (content_base64)') +
        '; posts it to a channel or DM when one is given, or attaches it to one of your messages.',
      input: {
        ...workspaceArg,
        ...uploadPath,
        content_base64: opt(Type.String({ description: 'the file’s bytes, base64' })),
        filename: opt(Type.String({ maxLength: 255, description: 'name to store it under' })),
        content_type: opt(Type.String({ maxLength: 255, description: 'MIME type' })),
        ...conversationArgs,
        body: opt(Type.String({ description: 'text of the message posted with it' })),
        message_id: opt(id('attach to this message of yours instead')),
      },
      output: UploadResult,
      annotations: WRITE,
      async run(args) {
        const source = uploadSource(ctx, args);
        const target = args.channel_id || args.conversation_id ? conversation(args) : undefined;
        const ws = args.workspace_id
          ? args.workspace_id
          : target?.kind === 'channel'
            ? (await c.channels.get(target.id)).workspace_id
            : target
              ? (await c.dms.get(target.id)).workspace_id
              : await workspaceId(ctx, undefined);
        const upload = await c.uploads.createFromStream(ws, {
          ...source,
          contentType: args.content_type,
        });
        let message: Message | undefined;
        if (args.message_id) {
          await c.uploads.attach(args.message_id, upload.id);
          message = await c.messages.get(args.message_id);
        } else if (target) {
          const body = { body: args.body ?? upload.filename, upload_id: upload.id };
          message = (
            target.kind === 'channel'
              ? await c.channels.sendMessageWithEvent(target.id, body)
              : await c.dms.sendMessageWithEvent(target.id, body)
          ).message;
        }
        return done(
          { upload, ...(message ? { message } : {}) },
          `uploaded ${upload.id} (${upload.filename}, ${upload.byte_size} bytes)${message ? ` in ${message.id}` : ''}`,
        );
      },
    }),
    tool({
      name: 'open_dm',
      title: 'Open a direct conversation',
      description:
        'Opens (or finds) the direct conversation with these users; returns its id for post_message and read_dm.',
      input: {
        ...workspaceArg,
        user_ids: Type.Array(id('user id (usr_…)'), { minItems: 1, maxItems: 31 }),
      },
      output: DmResponse,
      annotations: { ...WRITE, idempotentHint: true },
      async run(args) {
        const res = await c.dms.createWithEvent(
          await workspaceId(ctx, args.workspace_id),
          args.user_ids,
        );
        return done(res, dmLine(res.conversation));
      },
    }),
    tool({
      name: 'wait_for_events',
      title: 'Wait for events',
      description:
        'Follows a workspace’s event log: returns the events after after_cursor (in order, each once), waiting up to timeout_seconds for one when none is pending, and next_cursor to pass back next time. Without after_cursor it starts from now. Narrow with channel_id, conversation_id or thread_id (cursors still advance past events it skips).',
      input: {
        ...workspaceArg,
        after_cursor: opt(
          Type.String({ maxLength: 100, description: 'next_cursor of the last call' }),
        ),
        timeout_seconds: opt(
          Type.Integer({
            minimum: 0,
            maximum: MAX_WAIT_S,
            description: 'longest wait (default 25)',
          }),
        ),
        limit: opt(
          Type.Integer({
            minimum: 1,
            maximum: 500,
            description: 'most events returned (default 100)',
          }),
        ),
        ...conversationArgs,
        thread_id: opt(id('only events of this thread (its root message id)')),
      },
      output: EventsResult,
      annotations: READ,
      async run(args) {
        const ws = await workspaceId(ctx, args.workspace_id);
        let cursor = args.after_cursor ?? (await tailCursor(ctx, ws));
        const deadline = Date.now() + (args.timeout_seconds ?? 25) * 1000;
        for (;;) {
          const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
          const page = await c.events.list({
            workspaceId: ws,
            afterCursor: cursor || undefined,
            limit: args.limit ?? 100,
            waitSeconds: left,
          });
          cursor = page.events.at(-1)?.cursor ?? cursor;
          const events = page.events.filter((ev) => eventConcerns(ev, args));
          // Events of other conversations only advance the cursor: wait on for ours. An
          // empty page means the server's own wait ran out.
          const waitOn = events.length === 0 && page.events.length > 0 && !page.hasMore;
          if (!waitOn || Date.now() >= deadline) {
            return done(
              { events, next_cursor: cursor, has_more: page.hasMore },
              `${events.map(eventLine).join('\n') || '(no new events)'}\nnext_cursor: ${cursor}`,
            );
          }
        }
      },
    }),
  ];
}
