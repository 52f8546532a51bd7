import type {
  Channel,
  ChannelEventOnly,
  ChannelEventResponse,
  ChannelListResponse,
  ChannelMembersResponse,
  ChannelDeletionPreview,
  ChannelResponse,
  CreateChannelBody,
  CreateMessageBody,
  DeleteChannelResponse,
  Message,
  MessageEventResponse,
  MessagePage,
  MessagePageQuery,
  NotificationPreference,
  NotificationSettingsResponse,
  PinListResponse,
  PinResponse,
  ReceiptResponse,
  UnpinResponse,
  UpdateChannelBody,
  User,
} from '@clickclack/protocol';
import { seg, type Http, type QueryOf } from '../http.js';

export class ChannelsResource {
  constructor(private readonly http: Http) {}

  /** Channels of a workspace the caller can see, ordered by name. */
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

  /** Rename, set topic/purpose/title/section, or archive (`archived: true`). */
  update(channelId: string, patch: UpdateChannelBody): Promise<ChannelEventOnly> {
    return this.http.request('PATCH', `/api/channels/${seg(channelId)}`, { body: patch });
  }

  /** What deleting the channel would remove, and `blocker`: why the caller cannot (or null). */
  deletionPreview(channelId: string): Promise<ChannelDeletionPreview> {
    return this.http.request('GET', `/api/channels/${seg(channelId)}/deletion-preview`);
  }

  /** Permanently deletes the channel, its messages and files (workspace owners only). */
  delete(channelId: string): Promise<DeleteChannelResponse> {
    return this.http.request('DELETE', `/api/channels/${seg(channelId)}`);
  }

  /** One page of root messages (`after_seq`, `before_seq`, `around_seq`, `limit`, `mode`). */
  messagePage(channelId: string, query: QueryOf<MessagePageQuery> = {}): Promise<MessagePage> {
    return this.http.request('GET', `/api/channels/${seg(channelId)}/messages`, { query });
  }

  async messages(channelId: string, query: QueryOf<MessagePageQuery> = {}): Promise<Message[]> {
    return (await this.messagePage(channelId, query)).messages;
  }

  /** Posts a message; with a nonce, a retry returns the original (no `event`). */
  sendMessage(channelId: string, input: CreateMessageBody): Promise<MessageEventResponse> {
    return this.http.request('POST', `/api/channels/${seg(channelId)}/messages`, { body: input });
  }

  /** Moves the caller's read pointer forward to `seq` (never backwards). */
  markRead(channelId: string, seq: number): Promise<ReceiptResponse> {
    return this.http.request('POST', `/api/channels/${seg(channelId)}/read`, { body: { seq } });
  }

  /** The caller's notification preference for a channel: `all`, `mentions` or `muted`. */
  async getNotificationPreference(channelId: string): Promise<NotificationPreference> {
    return (
      await this.http.request<NotificationSettingsResponse>(
        'GET',
        `/api/channels/${seg(channelId)}/notification-settings`,
      )
    ).preference;
  }

  /** Sets it; channel lists then badge only mentions (`mentions`) or nothing (`muted`). */
  async updateNotificationPreference(
    channelId: string,
    preference: NotificationPreference,
  ): Promise<NotificationPreference> {
    return (
      await this.http.request<NotificationSettingsResponse>(
        'PATCH',
        `/api/channels/${seg(channelId)}/notification-settings`,
        { body: { preference } },
      )
    ).preference;
  }

  /** Pinned messages, newest pin first. */
  async pinnedMessages(channelId: string, limit?: number): Promise<Message[]> {
    return (
      await this.http.request<PinListResponse>('GET', `/api/channels/${seg(channelId)}/pins`, {
        query: { limit },
      })
    ).messages;
  }

  pinMessage(channelId: string, messageId: string): Promise<PinResponse> {
    return this.http.request('POST', `/api/channels/${seg(channelId)}/pins`, {
      body: { message_id: messageId },
    });
  }

  unpinMessage(channelId: string, messageId: string): Promise<UnpinResponse> {
    return this.http.request('DELETE', `/api/channels/${seg(channelId)}/pins/${seg(messageId)}`);
  }

  join(channelId: string): Promise<ChannelEventOnly> {
    return this.http.request('POST', `/api/channels/${seg(channelId)}/join`, { body: {} });
  }

  leave(channelId: string): Promise<ChannelEventOnly> {
    return this.http.request('POST', `/api/channels/${seg(channelId)}/leave`, { body: {} });
  }

  async members(channelId: string): Promise<User[]> {
    return (
      await this.http.request<ChannelMembersResponse>(
        'GET',
        `/api/channels/${seg(channelId)}/members`,
      )
    ).members;
  }

  addMember(channelId: string, userId: string): Promise<ChannelEventOnly> {
    return this.http.request('POST', `/api/channels/${seg(channelId)}/members`, {
      body: { user_id: userId },
    });
  }

  removeMember(channelId: string, userId: string): Promise<ChannelEventOnly> {
    return this.http.request('DELETE', `/api/channels/${seg(channelId)}/members/${seg(userId)}`);
  }
}
