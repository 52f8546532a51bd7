import { Command, InvalidArgumentError } from 'commander';
import { emit, emitRows, printJson, printLine } from '../output.js';
import { resolveBody, type BodyFlags } from './body.js';
import { resolveChannel, resolveContext, type GlobalFlags } from './context.js';

type SendFlags = GlobalFlags & BodyFlags & { replyTo?: string };

export const intArg =
  (name: string) =>
  (raw: string): number => {
    if (!/^-?\d+$/.test(raw.trim())) throw new InvalidArgumentError(`${name} must be an integer`);
    return Number(raw);
  };

function bodyOptions(cmd: Command): Command {
  return cmd
    .option('--body <text>', 'message text')
    .option('--file <path>', 'read the message text from a file')
    .option('--stdin', 'read the message text from standard input')
    .option('--reply-to <message-id>', 'quote this message');
}

async function send(words: string[], cmd: Command): Promise<void> {
  const flags = cmd.optsWithGlobals<SendFlags>();
  const ctx = resolveContext(flags);
  // The body is resolved before any request, so a missing body fails fast.
  const body = await resolveBody(flags, words);
  const { channel } = await resolveChannel(ctx);
  const quoted = flags.replyTo?.trim();
  const res = await ctx.client.channels.sendMessage(channel.id, {
    body,
    ...(quoted ? { quoted_message_id: quoted } : {}),
  });
  emit(ctx.mode, {
    json: { message: res.message, event: res.event },
    plain: res.message.id,
    human: `sent ${res.message.id} to #${channel.name}`,
  });
}

export function registerMessageCommands(program: Command): void {
  bodyOptions(
    program.command('send').description('post a message to a channel').argument('[body...]'),
  ).action((words: string[], _opts: unknown, cmd: Command) => send(words, cmd));

  const messages = program.command('messages').description('read and post channel messages');
  bodyOptions(
    messages.command('send').description('post a message to a channel').argument('[body...]'),
  ).action((words: string[], _opts: unknown, cmd: Command) => send(words, cmd));
  messages
    .command('list')
    .description('list root messages: seq, id, author, body')
    .option('--limit <n>', 'how many messages', intArg('--limit'), 20)
    .option('--after-seq <seq>', 'only messages after this channel sequence', intArg('--after-seq'))
    .action(async (opts: { limit: number; afterSeq?: number }, cmd: Command) => {
      const ctx = resolveContext(cmd.optsWithGlobals<GlobalFlags>());
      const { channel } = await resolveChannel(ctx);
      const page = await ctx.client.channels.messagePage(channel.id, {
        limit: String(opts.limit),
        ...(opts.afterSeq !== undefined ? { after_seq: String(opts.afterSeq) } : {}),
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

async function threadReply(rootId: string, words: string[], cmd: Command): Promise<void> {
  const flags = cmd.optsWithGlobals<SendFlags>();
  const ctx = resolveContext(flags);
  const body = await resolveBody(flags, words);
  const quoted = flags.replyTo?.trim();
  const res = await ctx.client.threads.reply(rootId, {
    body,
    ...(quoted ? { quoted_message_id: quoted } : {}),
  });
  emit(ctx.mode, {
    json: { message: res.message, thread_state: res.thread_state, events: res.events },
    plain: res.message.id,
    human: `replied ${res.message.id} to ${rootId}`,
  });
}

export function registerThreadCommands(program: Command): void {
  const threads = program
    .command('threads')
    .alias('thread')
    .description('read and reply in threads');
  threads
    .command('open')
    .description('show a thread: the root, then one line per reply')
    .argument('<message-id>')
    .option('--limit <n>', 'replies per page (1-200)', intArg('--limit'), 100)
    .option('--latest', 'the newest replies instead of the oldest')
    .option('--before-seq <seq>', 'replies before this thread sequence', intArg('--before-seq'))
    .option('--after-seq <seq>', 'replies after this thread sequence', intArg('--after-seq'))
    .option('--around-seq <seq>', 'replies around this thread sequence', intArg('--around-seq'))
    .action(
      async (
        id: string,
        opts: {
          limit: number;
          latest?: boolean;
          beforeSeq?: number;
          afterSeq?: number;
          aroundSeq?: number;
        },
        cmd: Command,
      ) => {
        const ctx = resolveContext(cmd.optsWithGlobals<GlobalFlags>());
        const page = await ctx.client.threads.get(id, {
          limit: String(opts.limit),
          ...(opts.latest !== undefined ? { latest: String(opts.latest) } : {}),
          ...(opts.beforeSeq !== undefined ? { before_seq: String(opts.beforeSeq) } : {}),
          ...(opts.afterSeq !== undefined ? { after_seq: String(opts.afterSeq) } : {}),
          ...(opts.aroundSeq !== undefined ? { around_seq: String(opts.aroundSeq) } : {}),
        });
        if (ctx.mode === 'json') return printJson(page);
        printLine(`${page.root.id}\t${page.root.body}`);
        for (const r of page.replies)
          printLine(`${r.id}\t${r.author?.display_name || r.author_id}\t${r.body}`);
      },
    );
  bodyOptions(
    threads
      .command('reply')
      .description('reply in a thread')
      .argument('<message-id>')
      .argument('[body...]'),
  ).action((id: string, words: string[], _opts: unknown, cmd: Command) =>
    threadReply(id, words, cmd),
  );
  bodyOptions(
    program
      .command('reply')
      .description('reply in a thread (same as `threads reply`)')
      .argument('<message-id>')
      .argument('[body...]'),
  ).action((id: string, words: string[], _opts: unknown, cmd: Command) =>
    threadReply(id, words, cmd),
  );
}
