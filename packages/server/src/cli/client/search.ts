import type { Command } from 'commander';
import { emitRows } from '../output.js';
import { intArg } from './messages.js';
import { resolveChannel, resolveContext, resolveWorkspace, type GlobalFlags } from './context.js';

export function registerSearchCommand(program: Command): void {
  program
    .command('search')
    .description('search messages you can read: id, where, author, snippet')
    .argument('<query...>')
    .option('--limit <n>', 'results (1-100)', intArg('--limit'), 20)
    .option('--newest', 'newest first instead of best match first')
    .action(async (words: string[], opts: { limit: number; newest?: boolean }, cmd: Command) => {
      const ctx = resolveContext(cmd.optsWithGlobals<GlobalFlags>());
      const scope = ctx.channel
        ? await resolveChannel(ctx)
        : { workspace: await resolveWorkspace(ctx), channel: undefined };
      const res = await ctx.client.search(scope.workspace.id, words.join(' '), {
        limit: opts.limit,
        channelId: scope.channel?.id,
        sort: opts.newest ? 'newest' : undefined,
      });
      emitRows(
        ctx.mode,
        res,
        res.results.map((r) => [
          r.id,
          r.channel_name ? `#${r.channel_name}` : (r.direct_conversation_id ?? ''),
          r.author.display_name,
          r.snippet.replace(/\s+/g, ' '),
        ]),
      );
    });
}
