import type { UpdateWorkspaceBody, WorkspaceDeletionCounts } from '@clickclack/protocol';
import type { Command } from 'commander';
import { CliError } from '../log.js';
import { emit } from '../output.js';
import { resolveContext, resolveWorkspace, type GlobalFlags } from './context.js';
import { userIds } from './conversations.js';

const ctxOf = (cmd: Command) => resolveContext(cmd.optsWithGlobals<GlobalFlags>());

/**
 * The workspace a transfer or deletion acts on: only one named by `--workspace` on this
 * command line, never one from the environment or stored config.
 */
async function namedWorkspace(cmd: Command, usage: string) {
  if (!cmd.optsWithGlobals<GlobalFlags>().workspace) throw new CliError(usage);
  const ctx = ctxOf(cmd);
  return { ctx, ws: await resolveWorkspace(ctx) };
}

const held = (c: WorkspaceDeletionCounts) =>
  `${c.members} members, ${c.channels} channels, ${c.messages} messages, ${c.files} files`;

/** `workspaces update|transfer|delete`: the owner's and moderators' workspace settings. */
export function registerWorkspaceAdminCommands(workspaces: Command): void {
  workspaces
    .command('update')
    .description('rename a workspace, change its slug or icon (owners and moderators)')
    .option('--name <name>', 'new name')
    .option('--slug <slug>', 'new slug')
    .option('--icon-url <url>', '/api/uploads/<upload_id> of an image in the workspace, "" clears')
    .action(async (opts: { name?: string; slug?: string; iconUrl?: string }, cmd: Command) => {
      const body: UpdateWorkspaceBody = {
        ...(opts.name !== undefined ? { name: opts.name } : {}),
        ...(opts.slug !== undefined ? { slug: opts.slug } : {}),
        ...(opts.iconUrl !== undefined ? { icon_url: opts.iconUrl } : {}),
      };
      if (Object.keys(body).length === 0)
        throw new CliError(
          'usage: clickclack workspaces update [--workspace WORKSPACE] [--name NAME] [--slug SLUG] [--icon-url URL]',
        );
      const ctx = ctxOf(cmd);
      const ws = await resolveWorkspace(ctx);
      const res = await ctx.client.workspaces.updateWithEvent(ws.id, body);
      const w = res.workspace;
      emit(ctx.mode, {
        json: res,
        plain: w.id,
        human: res.event ? `updated ${w.slug}: ${w.name}` : `${w.slug} unchanged: ${w.name}`,
      });
    });

  workspaces
    .command('transfer')
    .description('make another human member the owner; you become a moderator (owner)')
    .argument('<user>', 'the new owner: usr_ id or @handle')
    .option('--yes', 'confirm: only the new owner can hand it back')
    .action(async (who: string, opts: { yes?: boolean }, cmd: Command) => {
      const { ctx, ws } = await namedWorkspace(
        cmd,
        'usage: clickclack workspaces transfer USER --workspace WORKSPACE --yes',
      );
      const [userId] = await userIds(ctx, ws.id, [who]);
      if (!opts.yes) throw new CliError(`refusing to hand ${ws.slug} to ${who} without --yes`);
      const res = await ctx.client.workspaces.transferOwnershipWithEvent(ws.id, userId as string);
      emit(ctx.mode, {
        json: res,
        plain: userId,
        human: `${who} now owns ${ws.slug}; you are a moderator`,
      });
    });

  workspaces
    .command('delete')
    .description('permanently delete a workspace with everything in it (owner)')
    .option('--yes', 'confirm: nothing deleted can be restored')
    .action(async (opts: { yes?: boolean }, cmd: Command) => {
      const { ctx, ws } = await namedWorkspace(
        cmd,
        'usage: clickclack workspaces delete --workspace WORKSPACE --yes',
      );
      const preview = await ctx.client.workspaces.deletionPreview(ws.id);
      if (preview.blocker)
        throw new CliError(
          `cannot delete ${ws.slug}: ${held(preview.counts)} (${preview.blocker})`,
        );
      if (!opts.yes)
        throw new CliError(
          `refusing to permanently delete ${ws.slug}: ${held(preview.counts)} without --yes`,
        );
      await ctx.client.workspaces.delete(ws.id);
      emit(ctx.mode, {
        json: { counts: preview.counts, deleted_workspace: preview.workspace },
        plain: ws.id,
        human: `deleted ${ws.slug}: ${held(preview.counts)}`,
      });
    });
}
