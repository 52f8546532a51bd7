import type { Event } from '@clickclack/sdk';
import type { Command } from 'commander';
import WebSocket from 'ws';
import { eventParts } from '../../mcp/render.js';
import { printJson, printLine } from '../output.js';
import { commandGroup } from './group.js';
import { intArg } from './messages.js';
import {
  resolveChannel,
  resolveContext,
  resolveWorkspace,
  type ClientContext,
  type GlobalFlags,
} from './context.js';

type EventFlags = GlobalFlags & { afterCursor?: string };

/** One readable line per event: time, type, where, and the interesting ids. */
function describe(ev: Event): string {
  const { where, what } = eventParts(ev);
  return `${ev.created_at}\t${ev.type}\t${where}\t${ev.cursor || '-'}\t${what}`;
}

async function scope(ctx: ClientContext): Promise<{ workspaceId: string; channelId?: string }> {
  if (ctx.channel) {
    const { workspace, channel } = await resolveChannel(ctx);
    return { workspaceId: workspace.id, channelId: channel.id };
  }
  return { workspaceId: (await resolveWorkspace(ctx)).id };
}

export function registerEventCommands(program: Command): void {
  const events = commandGroup(program, 'events', {
    description: 'the realtime event stream',
    usage: 'usage: clickclack events <watch|list>',
    unknownWord: true,
  });

  events
    .command('watch')
    .description('stream events as they happen (NDJSON with --json); resumes across reconnects')
    .option('--after-cursor <cursor>', 'start after this cursor (default: from now on)')
    .action(async (_opts: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<EventFlags>();
      const ctx = resolveContext(flags);
      const { workspaceId, channelId } = await scope(ctx);
      const stream = ctx.client.realtime({
        workspaceId,
        afterCursor: flags.afterCursor,
        webSocket: WebSocket as never,
        onStatus: (status) => {
          if (status === 'open') process.stderr.write(`clickclack: watching ${workspaceId}\n`);
          if (status === 'reconnecting') process.stderr.write('clickclack: reconnecting…\n');
        },
        onResync: ({ reason }) => {
          process.stderr.write(`clickclack: ${reason}; continuing from the current tail\n`);
        },
      });
      const stop = () => stream.close();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      for await (const ev of stream) {
        if (channelId && ev.channel_id !== channelId) continue;
        if (ctx.mode === 'json') process.stdout.write(`${JSON.stringify(ev)}\n`);
        else printLine(describe(ev));
      }
    });

  events
    .command('list')
    .description('one page of events after a cursor')
    .option('--after-cursor <cursor>', 'events after this cursor (default: from the start)')
    .option('--limit <n>', 'page size (1-500)', intArg('--limit'), 200)
    .action(async (opts: { limit: number }, cmd: Command) => {
      const flags = cmd.optsWithGlobals<EventFlags>();
      const ctx = resolveContext(flags);
      const { workspaceId, channelId } = await scope(ctx);
      const page = await ctx.client.events.list({
        workspaceId,
        afterCursor: flags.afterCursor,
        limit: opts.limit,
        includeTail: true,
      });
      const shown = channelId ? page.events.filter((e) => e.channel_id === channelId) : page.events;
      if (ctx.mode === 'json')
        printJson({ events: shown, has_more: page.hasMore, tail_cursor: page.tailCursor });
      else for (const ev of shown) printLine(describe(ev));
    });
}
