import type {
  Channel,
  ChannelEventResponse,
  ChannelListResponse,
  ChannelResponse,
  CreateChannelBody,
  CreateMessageBody,
  Message,
  MessageEventResponse,
  MessagePage,
  MessagePageQuery,
} from '@clickclack/protocol';
import { seg, type Http } from '../http.js';

export class ChannelsResource {
  constructor(private readonly http: Http) {}

  async list(workspaceId: string): Promise<Channel[]> {
    return (
      await this.http.request<ChannelListResponse>(
        'GET',
        `/api/workspaces/${seg(workspaceId)}/channels`,
      )
    ).channels;
  }

  create(workspaceId: string, input: CreateChannelBody): Promise<ChannelEventResponse> {
    return this.http.request('POST', `/api/workspaces/${seg(workspaceId)}/channels`, {
      body: input,
    });
  }

  async get(channelId: string): Promise<Channel> {
    return (await this.http.request<ChannelResponse>('GET', `/api/channels/${seg(channelId)}`))
      .channel;
  }

  /** One page of root messages (`after_seq`, `before_seq`, `around_seq`, `limit`, `mode`). */
  messagePage(channelId: string, query: MessagePageQuery = {}): Promise<MessagePage> {
    return this.http.request('GET', `/api/channels/${seg(channelId)}/messages`, {
      query: { ...query },
    });
  }

  async messages(channelId: string, query: MessagePageQuery = {}): Promise<Message[]> {
    return (await this.messagePage(channelId, query)).messages;
  }

  /** Posts a message; with a nonce, a retry returns the original (no `event`). */
  sendMessage(channelId: string, input: CreateMessageBody): Promise<MessageEventResponse> {
    return this.http.request('POST', `/api/channels/${seg(channelId)}/messages`, { body: input });
  }
}
