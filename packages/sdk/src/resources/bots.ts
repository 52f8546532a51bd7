import type {
  BotCommandsResponse,
  BotListResponse,
  BotToken,
  BotTokenListResponse,
  BotTokenResponse,
  BotSetupCode,
  ClaimSetupCodeResponse,
  CreateBotBody,
  CreateBotResponse,
  CreateSetupCodeBody,
  CreateTokenBody,
  DeleteBotResponse,
  DeletedBot,
  OwnedBotsResponse,
  SetupCodeResponse,
} from '@clickclack/protocol';
import { type Http, op } from '../http.js';
import type { BotCommand, BotCommandInput, BotWithTokens } from '../original-types.js';

/** Bots, their tokens and command menus (spec names). */
export class BotsResource {
  constructor(private readonly http: Http) {}

  /**
   * With `setup_nonce` a retry of the same request returns the same bot and token (with a
   * fresh secret) instead of a second bot; other input under that nonce is a 409.
   */
  create(workspaceId: string, input: CreateBotBody): Promise<CreateBotResponse> {
    return this.http.call(op('createBot', { workspace_id: workspaceId }), { body: input });
  }

  async list(workspaceId: string): Promise<BotWithTokens[]> {
    return (await this.http.call<BotListResponse>(op('listBots', { workspace_id: workspaceId })))
      .bots;
  }

  async listMine(): Promise<OwnedBotsResponse['bots']> {
    return (await this.http.call<OwnedBotsResponse>(op('myBots'))).bots;
  }

  async listWorkspaceTokens(workspaceId: string, botUserId: string): Promise<BotToken[]> {
    return (
      await this.http.call<BotTokenListResponse>(
        op('listBotTokens', { workspace_id: workspaceId, bot_user_id: botUserId }),
      )
    ).bot_tokens;
  }

  async createWorkspaceToken(
    workspaceId: string,
    botUserId: string,
    input: CreateTokenBody = {},
  ): Promise<BotToken> {
    return (
      await this.http.call<BotTokenResponse>(
        op('createBotToken', { workspace_id: workspaceId, bot_user_id: botUserId }),
        { body: input },
      )
    ).bot_token;
  }

  /**
   * A one-time `XXXX-XXXX-XXXX` code (in `code`, shown once) an agent trades for a token. When
   * the server knows its address (`serve --public-url`) it also carries `contract_version`,
   * `api_base_url` and `claim_url`; OpenClaw takes `${claim_url}#${code}`.
   */
  async createSetupCode(
    workspaceId: string,
    botUserId: string,
    input: CreateSetupCodeBody = {},
  ): Promise<BotSetupCode> {
    return (
      await this.http.call<SetupCodeResponse>(
        op('createBotSetupCode', { workspace_id: workspaceId, bot_user_id: botUserId }),
        { body: input },
      )
    ).setup_code;
  }

  /**
   * Needs no credential: trades a setup code for a new bot token, once. `api_base_url` (with
   * `contract_version` 1), when present, is the base to call with that token.
   */
  claimSetupCode(code: string): Promise<ClaimSetupCodeResponse> {
    return this.http.call(op('claimBotSetupCode'), { body: { code } });
  }

  /** Legacy routes: only for bots installed in exactly one workspace. */
  async listTokens(botUserId: string): Promise<BotToken[]> {
    return (
      await this.http.call<BotTokenListResponse>(
        op('listBotTokensLegacy', { bot_user_id: botUserId }),
      )
    ).bot_tokens;
  }

  async createToken(botUserId: string, input: CreateTokenBody = {}): Promise<BotToken> {
    return (
      await this.http.call<BotTokenResponse>(
        op('createBotTokenLegacy', { bot_user_id: botUserId }),
        { body: input },
      )
    ).bot_token;
  }

  async revokeToken(tokenId: string): Promise<BotToken> {
    return (
      await this.http.call<BotTokenResponse>(op('revokeBotToken', { token_id: tokenId }), {
        body: {},
      })
    ).bot_token;
  }

  removeMembership(workspaceId: string, botUserId: string): Promise<void> {
    return this.http.call(
      op('removeBotMembership', { workspace_id: workspaceId, bot_user_id: botUserId }),
    );
  }

  /**
   * Retires a bot in every workspace (its owner, or for a service bot a manager of each; a
   * bot in no workspace any more: its owner, or a manager of a workspace it had tokens in).
   */
  async delete(botUserId: string): Promise<DeletedBot> {
    return (await this.http.call<DeleteBotResponse>(op('deleteBot', { bot_user_id: botUserId })))
      .deleted_bot;
  }

  /** Bot tokens only: replace this bot's command menu. */
  async setCommands(commands: BotCommandInput[]): Promise<BotCommand[]> {
    return (
      await this.http.call<BotCommandsResponse>(op('setBotCommands'), {
        body: { commands },
      })
    ).bot_commands;
  }

  async listCommands(workspaceId: string): Promise<BotCommand[]> {
    return (
      await this.http.call<BotCommandsResponse>(
        op('listBotCommands', { workspace_id: workspaceId }),
      )
    ).bot_commands;
  }
}
