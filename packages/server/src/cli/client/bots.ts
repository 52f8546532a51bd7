import type { Command } from 'commander';
import { CliError } from '../log.js';
import { emit, emitRows } from '../output.js';
import { resolveContext, resolveWorkspace, type GlobalFlags } from './context.js';
import { commandGroup } from './group.js';

const ctxOf = (cmd: Command) => resolveContext(cmd.optsWithGlobals<GlobalFlags>());
const scopesOf = (raw: string | undefined): string[] | undefined =>
  raw
    ? raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
    : undefined;

/** `--defaults`: a JSON object handed to the agent with its token. */
function defaultsOf(raw: string | undefined): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new CliError('--defaults must be a JSON object');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new CliError('--defaults must be a JSON object');
  return parsed as Record<string, unknown>;
}

/**
 * `bots list|create|setup-code|claim|delete`, `bots tokens list|create|revoke`: bot management over
 * the API, and `claim`, the agent's side of a setup code.
 */
export function registerBotCommands(program: Command): void {
  const bots = commandGroup(program, 'bots', {
    description: 'bots and their tokens',
    usage: 'usage: clickclack bots <list|create|setup-code|claim|delete|tokens>',
    unknownWord: true,
  });
  bots
    .command('list')
    .description('bots of the workspace: id, handle, name, active tokens')
    .action(async (_o: unknown, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const ws = await resolveWorkspace(ctx);
      const bots = await ctx.client.bots.list(ws.id);
      emitRows(
        ctx.mode,
        { bots },
        bots.map((b) => [
          b.bot.id,
          b.bot.handle,
          b.bot.display_name,
          b.tokens.filter((t) => !t.revoked_at).length,
        ]),
      );
    });
  bots
    .command('create')
    .description('create a bot (a service bot, or --mine for your own) and print its first token')
    .argument('<name>')
    .option('--handle <handle>', 'bot handle')
    .option('--scopes <scopes>', 'comma-separated scopes or bundles (default bot:write)')
    .option('--mine', 'a user-owned bot (you manage it) instead of a service bot')
    .action(
      async (
        name: string,
        opts: { handle?: string; scopes?: string; mine?: boolean },
        cmd: Command,
      ) => {
        const ctx = ctxOf(cmd);
        const ws = await resolveWorkspace(ctx);
        const me = opts.mine ? await ctx.client.me() : undefined;
        const res = await ctx.client.bots.create(ws.id, {
          display_name: name,
          ...(opts.handle ? { handle: opts.handle } : {}),
          ...(scopesOf(opts.scopes) ? { scopes: scopesOf(opts.scopes) } : {}),
          ...(me ? { owner_user_id: me.id } : {}),
        });
        const token = res.bot_token?.token ?? '';
        emit(ctx.mode, {
          json: res,
          plain: token,
          human: `created bot ${res.bot.id} (${res.bot.display_name})\ntoken\t${token}`,
        });
      },
    );
  bots
    .command('setup-code')
    .description('issue a one-time code (valid 24 h) an agent trades for a token with `bots claim`')
    .argument('<bot-user-id>')
    .option('--name <name>', 'name of the token the claim mints')
    .option('--scopes <scopes>', 'comma-separated scopes or bundles (default bot:write)')
    .option('--defaults <json>', 'a JSON object handed to the agent, e.g. {"channel":"general"}')
    .action(
      async (
        botId: string,
        opts: { name?: string; scopes?: string; defaults?: string },
        cmd: Command,
      ) => {
        const defaults = defaultsOf(opts.defaults);
        const ctx = ctxOf(cmd);
        const ws = await resolveWorkspace(ctx);
        const sc = await ctx.client.bots.createSetupCode(ws.id, botId, {
          ...(opts.name ? { name: opts.name } : {}),
          ...(scopesOf(opts.scopes) ? { scopes: scopesOf(opts.scopes) } : {}),
          ...(defaults ? { defaults } : {}),
        });
        emit(ctx.mode, {
          json: { setup_code: sc },
          plain: sc.code ?? '',
          human: `setup code ${sc.code ?? ''} for ${sc.bot_user_id} (expires ${sc.expires_at})`,
        });
      },
    );
  bots
    .command('claim')
    .description('trade a setup code for a bot token (needs no sign-in) and print it')
    .argument('<code>')
    .action(async (code: string, _o: unknown, cmd: Command) => {
      // The code is the credential: a stored session has no business on this request.
      const ctx = resolveContext(cmd.optsWithGlobals<GlobalFlags>(), { useStored: false });
      const res = await ctx.client.bots.claimSetupCode(code);
      emit(ctx.mode, {
        json: res,
        plain: res.token,
        human: `claimed ${res.bot.display_name} in ${res.workspace.name}: ${res.token}`,
      });
    });

  bots
    .command('delete')
    .description('retire a bot everywhere: tokens, memberships and handle go, its messages stay')
    .argument('<bot-user-id>')
    .option('--yes', 'confirm: a retired bot cannot be brought back')
    .action(async (botId: string, opts: { yes?: boolean }, cmd: Command) => {
      if (!opts.yes) throw new CliError(`refusing to delete bot ${botId} without --yes`);
      const ctx = ctxOf(cmd);
      const b = await ctx.client.bots.delete(botId);
      emit(ctx.mode, {
        json: { deleted_bot: b },
        plain: b.id,
        human: `deleted bot ${b.id} (${b.display_name}${b.former_handle ? `, @${b.former_handle}` : ''})`,
      });
    });

  const tokens = commandGroup(bots, 'tokens', {
    description: "a bot's tokens",
    usage: 'usage: clickclack bots tokens <list|create|revoke>',
    unknownWord: true,
  });
  tokens
    .command('list')
    .description('tokens of a bot: id, name, scopes, state')
    .argument('<bot-user-id>')
    .action(async (botId: string, _o: unknown, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const ws = await resolveWorkspace(ctx);
      const list = await ctx.client.bots.listWorkspaceTokens(ws.id, botId);
      emitRows(
        ctx.mode,
        { bot_tokens: list },
        list.map((t) => [t.id, t.name, t.scopes.join(','), t.revoked_at ? 'revoked' : 'active']),
      );
    });
  tokens
    .command('create')
    .description('mint another token (shown once)')
    .argument('<bot-user-id>')
    .option('--name <name>', 'token name')
    .option('--scopes <scopes>', 'comma-separated scopes or bundles')
    .action(async (botId: string, opts: { name?: string; scopes?: string }, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const ws = await resolveWorkspace(ctx);
      const t = await ctx.client.bots.createWorkspaceToken(ws.id, botId, {
        ...(opts.name ? { name: opts.name } : {}),
        ...(scopesOf(opts.scopes) ? { scopes: scopesOf(opts.scopes) } : {}),
      });
      emit(ctx.mode, {
        json: { bot_token: t },
        plain: t.token ?? '',
        human: `minted ${t.id}\ntoken\t${t.token ?? ''}`,
      });
    });
  tokens
    .command('revoke')
    .description('revoke a token now (its connections close)')
    .argument('<token-id>')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const t = await ctx.client.bots.revokeToken(id);
      emit(ctx.mode, { json: { bot_token: t }, plain: t.id, human: `revoked ${t.id}` });
    });
}
