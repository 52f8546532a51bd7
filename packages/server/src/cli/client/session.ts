import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import type { Channel, ClickClackClient, Session, Workspace } from '@clickclack/sdk';
import { configWriter, deleteConfig } from '../client-config.js';
import { CliError } from '../log.js';
import { emit, emitRows, printJson, printLine } from '../output.js';
import { commandGroup } from './group.js';
import { resolveChannel, resolveContext, resolveWorkspace, type GlobalFlags } from './context.js';

const flagsOf = (cmd: Command): GlobalFlags => cmd.optsWithGlobals<GlobalFlags>();

interface LoginOpts {
  email?: string;
  code?: string;
  magicToken?: string;
  store?: boolean;
}

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

/**
 * The link or code of a sign-in email: typed at a prompt on a terminal, else the first line
 * of standard input (a script writes it there once the mail has come).
 */
async function readSignInAnswer(email: string): Promise<string> {
  const lines = createInterface({ input: process.stdin, terminal: false });
  if (process.stdin.isTTY) {
    process.stderr.write(`Sign-in email sent to ${email}. Paste the link or type the code: `);
  }
  try {
    for await (const line of lines) if (line.trim() !== '') return line.trim();
  } finally {
    lines.close();
  }
  throw new CliError('no sign-in code given (type it, pipe it on stdin, or pass --code)');
}

/** A pasted sign-in link carries its token in `?token=`; anything else is read as a code. */
function signInWith(client: ClickClackClient, email: string, answer: string) {
  const token = /[?&]token=([^&#\s]+)/.exec(answer)?.[1];
  if (token) return client.auth.consumeMagicLink(decodeURIComponent(token));
  if (answer.startsWith('mgt_')) return client.auth.consumeMagicLink(answer);
  return client.auth.consumeSignInCode(email, answer);
}

export function registerSessionCommands(program: Command): void {
  program
    .command('login')
    .description(
      'sign in by email (link or code), or with a magic-link token, and store the session',
    )
    .option('--email <address>', 'email a sign-in link and code to this address, then ask for it')
    .option('--code <code>', 'with --email: the code (or link) already received; sends no email')
    .option('--magic-token <token>', 'the mgt_… token from `admin magic-link create`')
    .option('--store', 'store the session in the client config (default)')
    .option('--no-store', 'do not write the client config')
    .action(async (opts: LoginOpts, cmd: Command) => {
      const token = (opts.magicToken ?? '').trim();
      const email = (opts.email ?? '').trim();
      // Without --email, as before: the token is the one way in.
      if (email === '' && token === '') throw new CliError('--magic-token is required');
      if (opts.code !== undefined && email === '') throw new CliError('--code needs --email');
      const ctx = resolveContext(flagsOf(cmd), { useStored: false });
      const save = opts.store === false ? undefined : configWriter();
      let res;
      if (token !== '') res = await ctx.client.auth.consumeMagicLink(token);
      else {
        let answer = (opts.code ?? '').trim();
        if (answer === '') {
          await ctx.client.auth.requestSignInEmail(email);
          answer = await readSignInAnswer(email);
        }
        res = await signInWith(ctx.client, email, answer);
      }
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

  const sessions = commandGroup(program, 'sessions', {
    description: 'where you are signed in',
    usage: 'usage: clickclack sessions <list|revoke>',
    unknownWord: true,
  });
  sessions
    .command('list')
    .description('your sessions: id, created, last seen, user agent (* = this one)')
    .action(async (_o: unknown, cmd: Command) => {
      const ctx = resolveContext(flagsOf(cmd));
      const list = await ctx.client.auth.sessions();
      emitRows(
        ctx.mode,
        { sessions: list },
        list.map((s) => [
          `${s.id}${s.current ? ' *' : ''}`,
          s.created_at,
          s.last_seen_at ?? '-',
          s.user_agent || '-',
        ]),
      );
    });
  sessions
    .command('revoke')
    .description('sign one of your sessions out (its sockets close)')
    .argument('<session-id>')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const ctx = resolveContext(flagsOf(cmd));
      await ctx.client.auth.revokeSession(id);
      emit(ctx.mode, { json: { revoked: id }, plain: id, human: `revoked ${id}` });
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
