import type { Command } from 'commander';
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

/** `bots list|create`, `bots tokens list|create|revoke`: bot management over the API. */
export function registerBotCommands(program: Command): void {
  const bots = commandGroup(program, 'bots', {
    description: 'bots and their tokens',
    usage: 'usage: clickclack bots <list|create|tokens>',
    unknownWord: true,
  });
  bots
    .command('list')
    .description('bots of the workspace: id, handle, name, active tokens')
    .action(async (_o: unknown, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const ws = await resolveWorkspace(ctx);
      const res = await ctx.client.bots.list(ws.id);
      emitRows(
        ctx.mode,
        res,
        res.bots.map((b) => [
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
