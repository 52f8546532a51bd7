import type { Command } from 'commander';
import type { Channel, Session, Workspace } from '@clickclack/sdk';
import { configWriter, deleteConfig } from '../client-config.js';
import { CliError } from '../log.js';
import { emit, printJson, printLine } from '../output.js';
import { resolveChannel, resolveContext, resolveWorkspace, type GlobalFlags } from './context.js';

const flagsOf = (cmd: Command): GlobalFlags => cmd.optsWithGlobals<GlobalFlags>();

/** What status reports for "nothing selected": the record with every field empty. */
const ZERO_WORKSPACE: Workspace = {
  id: '',
  route_id: '',
  name: '',
  slug: '',
  icon_url: '',
  created_at: '',
};
const ZERO_CHANNEL: Channel = {
  id: '',
  route_id: '',
  workspace_id: '',
  name: '',
  kind: '',
  topic: '',
  purpose: '',
  is_member: false,
  created_at: '',
  external_managed: false,
  last_seq: 0,
  last_read_seq: 0,
  unread_count: 0,
  mention_count: 0,
};

/** The session in the reference client's field order, with its bearer token. */
function sessionRecord(s: Session, token: string) {
  return {
    id: s.id,
    token: s.token ?? token,
    user_id: s.user_id,
    created_at: s.created_at,
    expires_at: s.expires_at,
  };
}

export function registerSessionCommands(program: Command): void {
  program
    .command('login')
    .description('exchange a magic-link token for a session and store it')
    .option('--magic-token <token>', 'the mgt_… token from `admin magic-link create`')
    .option('--store', 'store the session in the client config (default)')
    .option('--no-store', 'do not write the client config')
    .action(async (opts: { magicToken?: string; store?: boolean }, cmd: Command) => {
      const token = (opts.magicToken ?? '').trim();
      if (token === '') throw new CliError('--magic-token is required');
      const ctx = resolveContext(flagsOf(cmd), { useStored: false });
      const save = opts.store === false ? undefined : configWriter();
      const res = await ctx.client.auth.consumeMagicLink(opts.magicToken as string);
      if (save) {
        save({
          server: ctx.server,
          token: res.token,
          workspace: ctx.workspace,
          channel: ctx.channel,
        });
      }
      emit(ctx.mode, {
        json: { session: sessionRecord(res.session, res.token), token: res.token, user: res.user },
        plain: res.token,
        human: `logged in as ${res.user.display_name}`,
      });
    });

  program
    .command('logout')
    .description('forget the stored session (the server session stays valid until it expires)')
    .action((_opts: unknown, cmd: Command) => {
      deleteConfig();
      emit(resolveContext(flagsOf(cmd), { useStored: false }).mode, {
        json: { logged_out: true },
        plain: 'logged_out',
        human: 'logged out',
      });
    });

  program
    .command('whoami')
    .description('show the signed-in user')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = resolveContext(flagsOf(cmd));
      const user = await ctx.client.me();
      emit(ctx.mode, { json: { user }, plain: user.id, human: `${user.id}\t${user.display_name}` });
    });

  program
    .command('status')
    .description('show the server, user, workspace and channel commands will use')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = resolveContext(flagsOf(cmd));
      const user = await ctx.client.me();
      let workspace: Workspace = ZERO_WORKSPACE;
      let channel: Channel = ZERO_CHANNEL;
      try {
        ({ workspace, channel } = await resolveChannel(ctx));
      } catch (err) {
        const quiet = !ctx.channel && err instanceof CliError;
        if (!quiet || !/^no (workspaces|channels) visible$/.test(err.message)) throw err;
        if (err.message === 'no channels visible') workspace = await resolveWorkspace(ctx);
      }
      if (ctx.mode === 'json') printJson({ channel, server: ctx.server, user, workspace });
      else if (ctx.mode === 'human') {
        printLine(`server\t${ctx.server}`);
        printLine(`user\t${user.id}`);
        printLine(`workspace\t${workspace.id}`);
        printLine(`channel\t${channel.id}`);
      }
    });
}
