import type { Command } from 'commander';
import { CliError } from '../log.js';
import { emit, emitRows } from '../output.js';
import { resolveBody, type BodyFlags } from './body.js';
import { commandGroup } from './group.js';
import { resolveChannel, resolveContext, resolveWorkspace, type GlobalFlags } from './context.js';

const ctxOf = (cmd: Command) => resolveContext(cmd.optsWithGlobals<GlobalFlags>());

/** `messages edit|delete`, `react add|remove`, `pins list|add|remove`, `unread`. */
export function registerMessagingCommands(program: Command): void {
  const messages = program.commands.find((c) => c.name() === 'messages');
  if (!messages) throw new Error('register message commands first');
  messages
    .command('edit')
    .description('replace the text of your message')
    .argument('<message-id>')
    .argument('[body...]')
    .option('--body <text>', 'new text')
    .option('--file <path>', 'read the new text from a file')
    .option('--stdin', 'read the new text from standard input')
    .action(async (id: string, words: string[], _o: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<GlobalFlags & BodyFlags>();
      const ctx = ctxOf(cmd);
      const body = await resolveBody(flags, words);
      const res = await ctx.client.messages.updateWithEvent(id, { body });
      emit(ctx.mode, { json: res, plain: res.message.id, human: `edited ${res.message.id}` });
    });
  messages
    .command('delete')
    .description('delete a message (yours, or any channel message as an owner or moderator)')
    .argument('<message-id>')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const res = await ctx.client.messages.deleteWithEvent(id);
      emit(ctx.mode, { json: res, plain: res.message.id, human: `deleted ${res.message.id}` });
    });

  const react = commandGroup(program, 'reactions', {
    description: 'emoji reactions',
    usage: 'usage: clickclack reactions <add|remove> <message-id> <emoji>',
    unknownWord: true,
  }).alias('react');
  for (const verb of ['add', 'remove'] as const) {
    react
      .command(verb)
      .description(`${verb} your reaction (a Unicode emoji or :shortcode:)`)
      .argument('<message-id>')
      .argument('<emoji>')
      .action(async (id: string, emoji: string, _o: unknown, cmd: Command) => {
        const ctx = ctxOf(cmd);
        if (ctx.mode === 'plain')
          throw new CliError(
            '--plain is not supported for reaction commands; omit it or use --json',
          );
        const res =
          verb === 'add'
            ? await ctx.client.messages.addReaction(id, emoji)
            : await ctx.client.messages.removeReaction(id, emoji);
        emit(ctx.mode, {
          json: res,
          // The emoji is never echoed: terminals render some of them badly.
          human: `reaction ${verb === 'add' ? 'added' : 'removed'} on ${encodeURIComponent(id)}`,
        });
      });
  }

  const pins = commandGroup(program, 'pins', {
    description: 'pinned messages of a channel',
    usage: 'usage: clickclack pins <list|add|remove> [message-id]',
    unknownWord: true,
  });
  pins
    .command('list')
    .description('pinned messages: id, author, body (newest pin first)')
    .action(async (_o: unknown, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const { channel } = await resolveChannel(ctx);
      const list = await ctx.client.channels.pinnedMessages(channel.id);
      emitRows(
        ctx.mode,
        { channel, messages: list },
        list.map((m) => [m.id, m.author.display_name || m.author_id, m.body]),
      );
    });
  for (const verb of ['add', 'remove'] as const) {
    pins
      .command(verb)
      .description(`${verb === 'add' ? 'pin' : 'unpin'} a message in the channel`)
      .argument('<message-id>')
      .action(async (id: string, _o: unknown, cmd: Command) => {
        const ctx = ctxOf(cmd);
        const { channel } = await resolveChannel(ctx);
        const res =
          verb === 'add'
            ? await ctx.client.channels.pinMessage(channel.id, id)
            : { event: await ctx.client.channels.unpinMessage(channel.id, id) };
        emit(ctx.mode, {
          json: res,
          plain: id,
          human: `${verb === 'add' ? 'pinned' : 'unpinned'} ${id} in #${channel.name}`,
        });
      });
  }

  program
    .command('unread')
    .description('channels with unread messages: id, name, unread, mentions')
    .action(async (_o: unknown, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const workspace = await resolveWorkspace(ctx);
      const unread = (await ctx.client.channels.list(workspace.id)).filter(
        (c) => c.unread_count > 0 || c.mention_count > 0,
      );
      emitRows(
        ctx.mode,
        { workspace, channels: unread },
        unread.map((c) => [c.id, c.name, c.unread_count, c.mention_count]),
      );
    });
}
