import type {
  CreateIncomingWebhookBody,
  IncomingWebhook,
  IncomingWebhookListResponse,
  IncomingWebhookResponse,
  MattermostHookBody,
  MessageEventResponse,
} from '@clickclack/protocol';
import { type Http, op } from '../http.js';

/** Incoming webhooks: the bearer Mattermost hook and secret-URL hooks. */
export class WebhooksResource {
  constructor(private readonly http: Http) {}

  postMattermost(channelId: string, input: MattermostHookBody): Promise<MessageEventResponse> {
    return this.http.call(op('mattermostHook', { channel_id: channelId }), { body: input });
  }

  async create(workspaceId: string, input: CreateIncomingWebhookBody): Promise<IncomingWebhook> {
    return (
      await this.http.call<IncomingWebhookResponse>(
        op('createIncomingWebhook', { workspace_id: workspaceId }),
        { body: input },
      )
    ).incoming_webhook;
  }

  async list(workspaceId: string): Promise<IncomingWebhook[]> {
    return (
      await this.http.call<IncomingWebhookListResponse>(
        op('listIncomingWebhooks', { workspace_id: workspaceId }),
      )
    ).incoming_webhooks;
  }

  async revoke(webhookId: string): Promise<IncomingWebhook> {
    return (
      await this.http.call<IncomingWebhookResponse>(
        op('revokeIncomingWebhook', { webhook_id: webhookId }),
        { body: {} },
      )
    ).incoming_webhook;
  }
}
