import type { Command } from 'commander';
import type { runStdioMcp } from '../mcp/stdio.js';
import { resolveContext, type GlobalFlags } from './context.js';

/**
 * `clickclack mcp`. The MCP SDK is loaded only when the command runs (`load`, given by
 * program.ts, whose relative import also resolves from the one-file bundle), so other
 * client commands do not pay for parsing it.
 */
export function registerMcpCommand(
  program: Command,
  load: () => Promise<{ runStdioMcp: typeof runStdioMcp }>,
  version: string,
): void {
  program
    .command('mcp')
    .description(
      'run an MCP (Model Context Protocol) server on stdio for agents, acting as this client',
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = resolveContext(cmd.optsWithGlobals<GlobalFlags>());
      const { runStdioMcp: run } = await load();
      await run(ctx, version);
    });
}
