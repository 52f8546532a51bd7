import type { Invite } from '@clickclack/protocol';
import type { Command } from 'commander';
import { durationSeconds } from '../duration.js';
import { CliError } from '../log.js';
import { emit, emitRows } from '../output.js';
import { resolveContext, resolveWorkspace, type GlobalFlags } from './context.js';

const ctxOf = (cmd: Command) => resolveContext(cmd.optsWithGlobals<GlobalFlags>());

/** A link pasted whole (`…/app/?invite=tok_…`) or just its token. */
export function inviteToken(raw: string): string {
  const trimmed = raw.trim();
  try {
    return new URL(trimmed).searchParams.get('invite') ?? trimmed;
  } catch {
    return trimmed;
  }
}

function state(i: Invite, now: string): string {
  if (i.revoked_at) return 'revoked';
  if (i.expires_at && now >= i.expires_at) return 'expired';
  if (i.max_uses > 0 && i.uses >= i.max_uses) return 'used';
  return 'active';
}

const usesOf = (i: Invite) => `${i.uses}/${i.max_uses === 0 ? '∞' : i.max_uses}`;

/** `invites create|list|revoke|accept`: invite links to a workspace. */
export function registerInviteCommands(program: Command): void {
  const invites = program.command('invites').description('invite links to a workspace');

  invites
    .command('create')
    .description('create an invite link (owners and moderators); prints the link')
    .option('--uses <n>', 'how many people may join through it (default 1)')
    .option('--unlimited', 'any number of people may join through it')
    .option('--expires-in <duration>', 'e.g. 30m, 12h, 7d (default 7d, at most 90d)')
    .action(
      async (opts: { uses?: string; unlimited?: boolean; expiresIn?: string }, cmd: Command) => {
        if (opts.uses !== undefined && opts.unlimited) {
          throw new CliError('give --uses or --unlimited, not both', 2);
        }
        if (opts.uses !== undefined && !/^[1-9]\d*$/.test(opts.uses)) {
          throw new CliError(`--uses must be a positive integer, not "${opts.uses}"`, 2);
        }
        const ctx = ctxOf(cmd);
        const ws = await resolveWorkspace(ctx);
        const res = await ctx.client.invites.create(ws.id, {
          ...(opts.unlimited ? { max_uses: 0 } : {}),
          ...(opts.uses !== undefined ? { max_uses: Number(opts.uses) } : {}),
          ...(opts.expiresIn ? { expires_in_seconds: durationSeconds(opts.expiresIn) } : {}),
        });
        const i = res.invite;
        const uses = i.max_uses === 0 ? 'any number of people' : `${i.max_uses} use(s)`;
        emit(ctx.mode, {
          json: res,
          plain: res.url,
          human: [res.url, `${i.id}: ${uses} to ${ws.slug}, expires ${i.expires_at ?? 'never'}`],
        });
      },
    );

  invites
    .command('list')
    .description('invite links of the workspace, newest first (owners and moderators)')
    .action(async (_o: unknown, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const ws = await resolveWorkspace(ctx);
      const list = await ctx.client.invites.list(ws.id);
      const now = new Date().toISOString();
      emitRows(
        ctx.mode,
        { invites: list },
        list.map((i) => [i.id, state(i, now), usesOf(i), i.expires_at ?? '', i.created_by]),
      );
    });

  invites
    .command('revoke')
    .description('revoke an invite link (owners and moderators)')
    .argument('<invite-id>')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const ws = await resolveWorkspace(ctx);
      const res = await ctx.client.invites.revoke(ws.id, id);
      emit(ctx.mode, { json: res, plain: res.invite.id, human: `revoked ${res.invite.id}` });
    });

  invites
    .command('accept')
    .description('join the workspace of an invite link (the link or its token)')
    .argument('<link-or-token>')
    .action(async (raw: string, _o: unknown, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const res = await ctx.client.invites.accept(inviteToken(raw));
      emit(ctx.mode, {
        json: res,
        plain: res.workspace.id,
        human: `joined ${res.workspace.slug} (${res.workspace.id})`,
      });
    });
}

/** `workspaces joinable|join|join-domains`: self-join by email domain. */
export function registerSelfJoinCommands(workspaces: Command): void {
  workspaces
    .command('joinable')
    .description('workspaces your email domain lets you join without an invite')
    .action(async (_o: unknown, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const list = await ctx.client.invites.joinable();
      emitRows(
        ctx.mode,
        { workspaces: list },
        list.map((w) => [w.id, w.slug, w.name]),
      );
    });

  workspaces
    .command('join')
    .description('join a workspace your email domain lets you in (id or slug)')
    .argument('<workspace>')
    .action(async (which: string, _o: unknown, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const ws = (await ctx.client.invites.joinable()).find(
        (w) => w.id === which || w.slug === which,
      );
      const res = await ctx.client.invites.joinByDomain(ws?.id ?? which);
      emit(ctx.mode, {
        json: res,
        plain: res.workspace.id,
        human: `joined ${res.workspace.slug} (${res.workspace.id})`,
      });
    });

  workspaces
    .command('join-domains')
    .description('email domains whose people may join on their own (owners and moderators)')
    .option('--set <domains>', 'replace the list: comma-separated, e.g. example.com,corp.example')
    .option('--clear', 'nobody joins without an invite')
    .action(async (opts: { set?: string; clear?: boolean }, cmd: Command) => {
      if (opts.set !== undefined && opts.clear) throw new CliError('give --set or --clear', 2);
      const ctx = ctxOf(cmd);
      const ws = await resolveWorkspace(ctx);
      const domains =
        opts.set !== undefined || opts.clear
          ? await ctx.client.invites.setJoinDomains(
              ws.id,
              (opts.set ?? '').split(',').filter((d) => d.trim() !== ''),
            )
          : await ctx.client.invites.joinDomains(ws.id);
      emitRows(
        ctx.mode,
        { domains },
        domains.map((d) => [d]),
      );
    });
}
