import type { Command } from 'commander';
import { emitRows } from '../output.js';
import { resolveContext, resolveWorkspace, type GlobalFlags } from './context.js';
import { commandGroup } from './group.js';
import { registerWorkspaceAdminCommands } from './workspace-admin.js';
import { registerSelfJoinCommands } from './invites.js';

const flagsOf = (cmd: Command): GlobalFlags => cmd.optsWithGlobals<GlobalFlags>();

export function registerBrowseCommands(program: Command): void {
  const workspaces = commandGroup(program, 'workspaces', {
    description: 'workspaces you belong to',
    // The reference CLI's exact text (spec cli.md §7.5); `--help` lists every command.
    usage: 'usage: clickclack workspaces list',
  });
  workspaces
    .command('list')
    .description('list workspaces: id, slug, name')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = resolveContext(flagsOf(cmd));
      const list = await ctx.client.workspaces.list();
      emitRows(
        ctx.mode,
        { workspaces: list },
        list.map((w) => [w.id, w.slug, w.name]),
      );
    });

  registerWorkspaceAdminCommands(workspaces);
  registerSelfJoinCommands(workspaces);

  const channels = commandGroup(program, 'channels', {
    description: 'channels of a workspace',
    usage:
      'usage: clickclack channels <list|create|join|leave|archive|members|delete> [--workspace WORKSPACE]',
  });
  channels
    .command('list')
    .description('list channels: id, name, kind')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = resolveContext(flagsOf(cmd));
      const workspace = await resolveWorkspace(ctx);
      const list = await ctx.client.channels.list(workspace.id);
      emitRows(
        ctx.mode,
        { channels: list, workspace },
        list.map((c) => [c.id, c.name, c.kind]),
      );
    });
}
