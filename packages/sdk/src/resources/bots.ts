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
  CreateIncomingWebhookBody,
  CreateSetupCodeBody,
  CreateTokenBody,
  DeleteBotResponse,
  DeletedBot,
  IncomingWebhook,
  IncomingWebhookListResponse,
  IncomingWebhookResponse,
  MattermostHookBody,
  MessageEventResponse,
  OwnedBotsResponse,
  SetupCodeResponse,
} from '@clickclack/protocol';
import { seg, type Http } from '../http.js';
import type { BotCommand, BotCommandInput, BotWithTokens } from '../original-types.js';

/** Bots, their tokens and command menus (spec names). */
export class BotsResource {
  constructor(private readonly http: Http) {}

  /**
   * With `setup_nonce` a retry of the same request returns the same bot and token (with a
   * fresh secret) instead of a second bot; other input under that nonce is a 409.
   */
  create(workspaceId: string, input: CreateBotBody): Promise<CreateBotResponse> {
    return this.http.request('POST', `/api/workspaces/${seg(workspaceId)}/bots`, { body: input });
  }

  async list(workspaceId: string): Promise<BotWithTokens[]> {
    const path = `/api/workspaces/${seg(workspaceId)}/bots`;
    return (await this.http.request<BotListResponse>('GET', path)).bots;
  }

  async listMine(): Promise<OwnedBotsResponse['bots']> {
    return (await this.http.request<OwnedBotsResponse>('GET', '/api/me/bots')).bots;
  }

  async listWorkspaceTokens(workspaceId: string, botUserId: string): Promise<BotToken[]> {
    const path = `/api/workspaces/${seg(workspaceId)}/bots/${seg(botUserId)}/tokens`;
    return (await this.http.request<BotTokenListResponse>('GET', path)).bot_tokens;
  }

  async createWorkspaceToken(
    workspaceId: string,
    botUserId: string,
    input: CreateTokenBody = {},
  ): Promise<BotToken> {
    const path = `/api/workspaces/${seg(workspaceId)}/bots/${seg(botUserId)}/tokens`;
    return (await this.http.request<BotTokenResponse>('POST', path, { body: input })).bot_token;
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
    const path = `/api/workspaces/${seg(workspaceId)}/bots/${seg(botUserId)}/setup-codes`;
    return (await this.http.request<SetupCodeResponse>('POST', path, { body: input })).setup_code;
  }

  /**
   * Needs no credential: trades a setup code for a new bot token, once. `api_base_url` (with
   * `contract_version` 1), when present, is the base to call with that token.
   */
  claimSetupCode(code: string): Promise<ClaimSetupCodeResponse> {
    return this.http.request('POST', '/api/bot-setup-codes/claim', { body: { code } });
  }

  /** Legacy routes: only for bots installed in exactly one workspace. */
  async listTokens(botUserId: string): Promise<BotToken[]> {
    return (
      await this.http.request<BotTokenListResponse>('GET', `/api/bots/${seg(botUserId)}/tokens`)
    ).bot_tokens;
  }

  async createToken(botUserId: string, input: CreateTokenBody = {}): Promise<BotToken> {
    const path = `/api/bots/${seg(botUserId)}/tokens`;
    return (await this.http.request<BotTokenResponse>('POST', path, { body: input })).bot_token;
  }

  async revokeToken(tokenId: string): Promise<BotToken> {
    return (
      await this.http.request<BotTokenResponse>('POST', `/api/bot-tokens/${seg(tokenId)}/revoke`, {
        body: {},
      })
    ).bot_token;
  }

  removeMembership(workspaceId: string, botUserId: string): Promise<void> {
    return this.http.request(
      'DELETE',
      `/api/workspaces/${seg(workspaceId)}/bots/${seg(botUserId)}/membership`,
    );
  }

  /**
   * Retires a bot in every workspace (its owner, or for a service bot a manager of each; a
   * bot in no workspace any more: its owner, or a manager of a workspace it had tokens in).
   */
  async delete(botUserId: string): Promise<DeletedBot> {
    return (await this.http.request<DeleteBotResponse>('DELETE', `/api/bots/${seg(botUserId)}`))
      .deleted_bot;
  }

  /** Bot tokens only: replace this bot's command menu. */
  async setCommands(commands: BotCommandInput[]): Promise<BotCommand[]> {
    return (
      await this.http.request<BotCommandsResponse>('PUT', '/api/bots/self/commands', {
        body: { commands },
      })
    ).bot_commands;
  }

  async listCommands(workspaceId: string): Promise<BotCommand[]> {
    const path = `/api/workspaces/${seg(workspaceId)}/bot-commands`;
    return (await this.http.request<BotCommandsResponse>('GET', path)).bot_commands;
  }
}

/** Incoming webhooks: the bearer Mattermost hook and secret-URL hooks. */
export class WebhooksResource {
  constructor(private readonly http: Http) {}

  postMattermost(channelId: string, input: MattermostHookBody): Promise<MessageEventResponse> {
    return this.http.request('POST', `/api/hooks/mattermost/${seg(channelId)}`, { body: input });
  }

  async create(workspaceId: string, input: CreateIncomingWebhookBody): Promise<IncomingWebhook> {
    const path = `/api/workspaces/${seg(workspaceId)}/incoming-webhooks`;
    return (await this.http.request<IncomingWebhookResponse>('POST', path, { body: input }))
      .incoming_webhook;
  }

  async list(workspaceId: string): Promise<IncomingWebhook[]> {
    const path = `/api/workspaces/${seg(workspaceId)}/incoming-webhooks`;
    return (await this.http.request<IncomingWebhookListResponse>('GET', path)).incoming_webhooks;
  }

  async revoke(webhookId: string): Promise<IncomingWebhook> {
    const path = `/api/incoming-webhooks/${seg(webhookId)}/revoke`;
    return (await this.http.request<IncomingWebhookResponse>('POST', path, { body: {} }))
      .incoming_webhook;
  }
}
