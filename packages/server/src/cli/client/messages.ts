import { Command, InvalidArgumentError, Option } from 'commander';
import { CliError } from '../log.js';
import { emit, emitRows, printJson, printLine } from '../output.js';
import { resolveBody, type BodyFlags } from './body.js';
import { resolveChannel, resolveContext, type GlobalFlags } from './context.js';
import { commandGroup } from './group.js';

type SendFlags = GlobalFlags & BodyFlags & { replyTo?: string };

/** An integer flag value; a bad one is a flag-parse error (exit 2). */
export const intArg =
  (name: string) =>
  (raw: string): number => {
    if (!/^-?\d+$/.test(raw.trim())) throw new InvalidArgumentError(`${name} must be an integer`);
    return Number(raw);
  };

export function bodyOptions(cmd: Command, what = 'message'): Command {
  return cmd
    .option('--body <text>', `${what} text`)
    .option('--file <path>', `read the ${what} text from a file`)
    .option('--stdin', `read the ${what} text from standard input`)
    .option('--reply-to <message-id>', 'quote this message');
}

/** `{quoted_message_id}` when --reply-to names a message, else nothing. */
export function quoteOf(flags: { replyTo?: string }): { quoted_message_id?: string } {
  const quoted = flags.replyTo?.trim();
  return quoted ? { quoted_message_id: quoted } : {};
}

async function send(words: string[], cmd: Command): Promise<void> {
  const flags = cmd.optsWithGlobals<SendFlags>();
  const ctx = resolveContext(flags);
  // The body is resolved before any request, so a missing body fails fast.
  const body = await resolveBody(flags, words);
  const { channel } = await resolveChannel(ctx);
  const res = await ctx.client.channels.sendMessageWithEvent(channel.id, {
    body,
    ...quoteOf(flags),
  });
  emit(ctx.mode, {
    json: { message: res.message, event: res.event },
    plain: res.message.id,
    human: `sent ${res.message.id} to #${channel.name}`,
  });
}

function sendCommand(parent: Command): void {
  bodyOptions(
    parent
      .command('send')
      .description('post a message to a channel (--channel, default #general)')
      .argument('[body...]', 'message text (words are joined with spaces)'),
  ).action((words: string[], _opts: unknown, cmd: Command) => send(words, cmd));
}

export function registerMessageCommands(program: Command): void {
  sendCommand(program);
  const messages = commandGroup(program, 'messages', {
    description: 'read and post channel messages',
    usage: 'usage: clickclack messages <send|list|edit|delete>',
    unknownWord: true,
  });
  sendCommand(messages);
  messages
    .command('list')
    .description('list root messages: seq, id, author, body')
    .option('--limit <n>', 'how many messages', intArg('--limit'), 20)
    .option('--after-seq <seq>', 'only messages after this channel sequence', intArg('--after-seq'))
    .action(async (opts: { limit: number; afterSeq?: number }, cmd: Command) => {
      const ctx = resolveContext(cmd.optsWithGlobals<GlobalFlags>());
      const { channel } = await resolveChannel(ctx);
      const page = await ctx.client.channels.messagePage(channel.id, {
        limit: opts.limit,
        after_seq: opts.afterSeq,
      });
      emitRows(
        ctx.mode,
        { channel, messages: page.messages },
        page.messages.map((m) => [
          m.channel_seq ?? 0,
          m.id,
          m.author?.display_name || m.author_id,
          m.body,
        ]),
      );
    });
}

interface ThreadOpenFlags {
  limit: number;
  latest?: boolean;
  beforeSeq?: number;
  afterSeq?: number;
  aroundSeq?: number;
}

const THREADS_USAGE = 'usage: clickclack threads <open|reply> <message-id> [body]';

async function threadOpen(id: string | undefined, opts: ThreadOpenFlags, cmd: Command) {
  if (!id) throw new CliError(THREADS_USAGE);
  const ctx = resolveContext(cmd.optsWithGlobals<GlobalFlags>());
  // Paging flags are forwarded only when given; the server rejects bad combinations.
  const page = await ctx.client.threads.get(id, {
    limit: opts.limit,
    latest: opts.latest,
    before_seq: opts.beforeSeq,
    after_seq: opts.afterSeq,
    around_seq: opts.aroundSeq,
  });
  if (ctx.mode === 'json') return printJson(page);
  printLine(`${page.root.id}\t${page.root.body}`);
  for (const r of page.replies) {
    printLine(`${r.id}\t${r.author?.display_name || r.author_id}\t${r.body}`);
  }
}

async function threadReply(
  id: string | undefined,
  words: string[],
  cmd: Command,
  usage: string,
): Promise<void> {
  if (!id) throw new CliError(usage);
  const flags = cmd.optsWithGlobals<SendFlags>();
  const ctx = resolveContext(flags);
  const body = await resolveBody(flags, words);
  const res = await ctx.client.threads.replyWithEvent(id, { body, ...quoteOf(flags) });
  emit(ctx.mode, {
    json: { message: res.message, thread_state: res.thread_state, events: res.events },
    plain: res.message.id,
    human: `replied ${res.message.id} to ${id}`,
  });
}

export function registerThreadCommands(program: Command): void {
  const threads = commandGroup(program, 'threads', {
    description: 'read and reply in threads',
    usage: THREADS_USAGE,
    unknownWord: true,
  }).alias('thread');
  threads
    .command('open')
    .description('show a thread: the root, then one line per reply (id, author, body)')
    .argument('[message-id]', 'the thread root')
    .option('--limit <n>', 'replies per page (1-200)', intArg('--limit'), 100)
    .option('--latest', 'the newest replies instead of the oldest')
    .addOption(new Option('--no-latest').hideHelp())
    .option('--before-seq <seq>', 'replies before this thread sequence', intArg('--before-seq'))
    .option('--after-seq <seq>', 'replies after this thread sequence', intArg('--after-seq'))
    .option('--around-seq <seq>', 'replies around this thread sequence', intArg('--around-seq'))
    .action(threadOpen);
  bodyOptions(
    threads
      .command('reply')
      .description('reply in a thread')
      .argument('[message-id]', 'the thread root')
      .argument('[body...]', 'reply text (words are joined with spaces)'),
    'reply',
  ).action((id: string | undefined, words: string[], _opts: unknown, cmd: Command) =>
    threadReply(id, words, cmd, THREADS_USAGE),
  );
  bodyOptions(
    program
      .command('reply')
      .description('reply in a thread (same as `threads reply`)')
      .argument('[message-id]', 'the thread root')
      .argument('[body...]', 'reply text (words are joined with spaces)'),
    'reply',
  ).action((id: string | undefined, words: string[], _opts: unknown, cmd: Command) =>
    threadReply(id, words, cmd, 'usage: clickclack reply <message-id> [body]'),
  );
}
