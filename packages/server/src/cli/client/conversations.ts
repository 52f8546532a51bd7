import type { ChannelDeletionCounts } from '@clickclack/protocol';
import type { Command } from 'commander';
import type { ClientContext } from './context.js';
import { CliError } from '../log.js';
import { emit, emitRows } from '../output.js';
import { resolveBody, type BodyFlags } from './body.js';
import { commandGroup } from './group.js';
import { bodyOptions, quoteOf } from './messages.js';
import { resolveChannel, resolveContext, resolveWorkspace, type GlobalFlags } from './context.js';

const ctxOf = (cmd: Command, channel?: string): ClientContext => {
  const ctx = resolveContext(cmd.optsWithGlobals<GlobalFlags>());
  if (channel) ctx.channel = channel;
  return ctx;
};

/** `usr_…` ids pass through; `@handle`s are looked up in the workspace directory. */
export async function userIds(
  ctx: ClientContext,
  workspaceId: string,
  who: string[],
): Promise<string[]> {
  const out: string[] = [];
  for (const w of who) {
    if (w.startsWith('usr_')) {
      out.push(w);
      continue;
    }
    const handle = w.replace(/^@/, '').toLowerCase();
    const page = await ctx.client.workspaces.members(workspaceId, { q: handle, limit: '200' });
    const hit = page.members.find((m) => m.user.handle === handle);
    if (!hit) throw new CliError(`user "${w}" not found`);
    out.push(hit.user.id);
  }
  return out;
}

export function registerConversationCommands(program: Command): void {
  const dms = commandGroup(program, 'dms', {
    description: 'direct messages',
    usage: 'usage: clickclack dms <list|open|send>',
    unknownWord: true,
  });
  dms
    .command('list')
    .description('your open DMs: id, members, unread')
    .action(async (_o: unknown, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const ws = await resolveWorkspace(ctx);
      const list = await ctx.client.dms.list(ws.id);
      emitRows(
        ctx.mode,
        { conversations: list },
        list.map((d) => [d.id, d.members.map((m) => m.display_name).join(', '), d.unread_count]),
      );
    });
  dms
    .command('open')
    .description('open (or find) a DM with people, by user id or @handle')
    .argument('<users...>')
    .action(async (who: string[], _o: unknown, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const ws = await resolveWorkspace(ctx);
      const res = await ctx.client.dms.createWithEvent(ws.id, await userIds(ctx, ws.id, who));
      const c = res.conversation;
      emit(ctx.mode, {
        json: res,
        plain: c.id,
        human: `${c.id}\t${c.members.map((m) => m.display_name).join(', ')}`,
      });
    });
  bodyOptions(
    dms.command('send').description('post in a DM').argument('<dm-id>').argument('[body...]'),
  ).action(async (id: string, words: string[], _o: unknown, cmd: Command) => {
    const flags = cmd.optsWithGlobals<GlobalFlags & BodyFlags & { replyTo?: string }>();
    const ctx = ctxOf(cmd);
    const body = await resolveBody(flags, words);
    const res = await ctx.client.dms.sendMessageWithEvent(id, {
      body,
      ...quoteOf(flags),
    });
    emit(ctx.mode, {
      json: res,
      plain: res.message.id,
      human: `sent ${res.message.id} to ${id}`,
    });
  });

  const channels = program.commands.find((c) => c.name() === 'channels');
  if (!channels) throw new Error('register browse commands first');
  channels
    .command('create')
    .description('create a channel')
    .argument('<name>')
    .option('--private', 'only invited members can see it')
    .option('--topic <text>', 'channel topic')
    .action(async (name: string, opts: { private?: boolean; topic?: string }, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const ws = await resolveWorkspace(ctx);
      const res = await ctx.client.channels.createWithEvent(ws.id, {
        name,
        kind: opts.private ? 'private' : 'public',
      });
      if (opts.topic) await ctx.client.channels.update(res.channel.id, { topic: opts.topic });
      emit(ctx.mode, {
        json: res,
        plain: res.channel.id,
        human: `created #${res.channel.name} (${res.channel.id})`,
      });
    });
  for (const [verb, done] of [
    ['join', 'joined'],
    ['leave', 'left'],
    ['archive', 'archived'],
  ] as const) {
    channels
      .command(verb)
      .description(`${verb} a channel (name or id; default --channel)`)
      .argument('[channel]')
      .action(async (channel: string | undefined, _o: unknown, cmd: Command) => {
        const ctx = ctxOf(cmd, channel);
        if (!ctx.channel) throw new CliError(`usage: clickclack channels ${verb} <channel>`);
        const { channel: ch } = await resolveChannel(ctx);
        const res =
          verb === 'join'
            ? await ctx.client.channels.join(ch.id)
            : verb === 'leave'
              ? await ctx.client.channels.leave(ch.id)
              : await ctx.client.channels.updateWithEvent(ch.id, { archived: true });
        emit(ctx.mode, { json: res, plain: ch.id, human: `${done} #${ch.name}` });
      });
  }
  channels
    .command('delete')
    .description('permanently delete a channel with its messages and files (workspace owner)')
    .option('--yes', 'confirm: nothing deleted can be restored')
    .action(async (opts: { yes?: boolean }, cmd: Command) => {
      // Only a channel named on this command line: never one from the environment or config.
      if (!cmd.optsWithGlobals<GlobalFlags>().channel)
        throw new CliError('usage: clickclack channels delete --channel CHANNEL --yes');
      const ctx = ctxOf(cmd);
      const { channel: ch } = await resolveChannel(ctx);
      const preview = await ctx.client.channels.deletionPreview(ch.id);
      const held = (c: ChannelDeletionCounts) =>
        `${c.messages} messages, ${c.thread_replies} thread replies, ${c.files} files`;
      if (preview.blocker)
        throw new CliError(
          `cannot delete #${ch.name}: ${held(preview.counts)} (${preview.blocker})`,
        );
      if (!opts.yes)
        throw new CliError(
          `refusing to permanently delete #${ch.name}: ${held(preview.counts)} without --yes`,
        );
      const res = await ctx.client.channels.delete(ch.id);
      emit(ctx.mode, {
        json: { counts: res.counts, deleted_channel: res.deleted_channel },
        plain: ch.id,
        human: `deleted #${ch.name}: ${held(res.counts)}`,
      });
    });
  channels
    .command('members')
    .description('members of a channel: id, name, handle')
    .argument('[channel]')
    .action(async (channel: string | undefined, _o: unknown, cmd: Command) => {
      const ctx = ctxOf(cmd, channel);
      const { channel: ch } = await resolveChannel(ctx);
      const members = await ctx.client.channels.members(ch.id);
      emitRows(
        ctx.mode,
        { channel: ch, members },
        members.map((u) => [u.id, u.display_name, u.handle]),
      );
    });
}
