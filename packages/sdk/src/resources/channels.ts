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
  Event,
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
import { pageOptions, type Http, type QueryOf, op } from '../http.js';
import type { MessagePageOptions, ReadReceipt } from '../original-types.js';

export class ChannelsResource {
  constructor(private readonly http: Http) {}

  /** Channels of a workspace the caller can see, ordered by name. */
  async list(workspaceId: string): Promise<Channel[]> {
    return (
      await this.http.call<ChannelListResponse>(op('listChannels', { workspace_id: workspaceId }))
    ).channels;
  }

  async create(workspaceId: string, input: CreateChannelBody): Promise<Channel> {
    return (await this.createWithEvent(workspaceId, input)).channel;
  }

  /** `create`, answering `{channel, event}`. */
  createWithEvent(workspaceId: string, input: CreateChannelBody): Promise<ChannelEventResponse> {
    return this.http.call(op('createChannel', { workspace_id: workspaceId }), {
      body: input,
    });
  }

  async get(channelId: string): Promise<Channel> {
    return (await this.http.call<ChannelResponse>(op('getChannel', { channel_id: channelId })))
      .channel;
  }

  /** Rename, set topic/purpose/title/section, or archive (`archived: true`). */
  async update(channelId: string, patch: UpdateChannelBody): Promise<Channel> {
    return (await this.updateWithEvent(channelId, patch)).channel;
  }

  /** `update`, answering `{channel, event}`. */
  updateWithEvent(channelId: string, patch: UpdateChannelBody): Promise<ChannelEventOnly> {
    return this.http.call(op('updateChannel', { channel_id: channelId }), { body: patch });
  }

  /** What deleting the channel would remove, and `blocker`: why the caller cannot (or null). */
  deletionPreview(channelId: string): Promise<ChannelDeletionPreview> {
    return this.http.call(op('channelDeletionPreview', { channel_id: channelId }));
  }

  /** Permanently deletes the channel, its messages and files (workspace owners only). */
  delete(channelId: string): Promise<DeleteChannelResponse> {
    return this.http.call(op('deleteChannel', { channel_id: channelId }));
  }

  /** One page of root messages (`after_seq`, `before_seq`, `around_seq`, `limit`, `mode`). */
  messagePage(channelId: string, query: QueryOf<MessagePageQuery> = {}): Promise<MessagePage> {
    return this.http.call(op('listMessages', { channel_id: channelId }), { query });
  }

  /** The page's messages: from the oldest after a seq (default 0), or any page's options. */
  async messages(
    channelId: string,
    afterSeqOrOptions: number | MessagePageOptions = 0,
  ): Promise<Message[]> {
    return (await this.messagePage(channelId, pageOptions(afterSeqOrOptions))).messages;
  }

  /** Posts a message and answers it (a nonce retry answers the original). */
  async sendMessage(channelId: string, input: CreateMessageBody): Promise<Message> {
    return (await this.sendMessageWithEvent(channelId, input)).message;
  }

  /** `sendMessage`, answering `{message, event}` (no `event` for a nonce replay). */
  sendMessageWithEvent(channelId: string, input: CreateMessageBody): Promise<MessageEventResponse> {
    return this.http.call(op('createMessage', { channel_id: channelId }), { body: input });
  }

  /** Moves the caller's read pointer forward to `seq` (never backwards). */
  async markRead(channelId: string, seq: number): Promise<ReadReceipt> {
    return (
      await this.http.call<ReceiptResponse>(op('markChannelRead', { channel_id: channelId }), {
        body: { seq },
      })
    ).receipt;
  }

  /** Mark unread from the message at `seq`: it and everything after it count as unread. */
  async markUnread(channelId: string, seq: number): Promise<ReadReceipt> {
    return (
      await this.http.call<ReceiptResponse>(op('markChannelUnread', { channel_id: channelId }), {
        body: { seq },
      })
    ).receipt;
  }

  /** The caller's notification preference for a channel: `all`, `mentions` or `muted`. */
  async getNotificationPreference(channelId: string): Promise<NotificationPreference> {
    return (
      await this.http.call<NotificationSettingsResponse>(
        op('getChannelNotificationSettings', { channel_id: channelId }),
      )
    ).preference;
  }

  /** Sets it; channel lists then badge only mentions (`mentions`) or nothing (`muted`). */
  async updateNotificationPreference(
    channelId: string,
    preference: NotificationPreference,
  ): Promise<NotificationPreference> {
    return (
      await this.http.call<NotificationSettingsResponse>(
        op('updateChannelNotificationSettings', { channel_id: channelId }),
        { body: { preference } },
      )
    ).preference;
  }

  /** Pinned messages, newest pin first. */
  async pinnedMessages(channelId: string, limit = 100): Promise<Message[]> {
    return (
      await this.http.call<PinListResponse>(op('listPins', { channel_id: channelId }), {
        query: { limit },
      })
    ).messages;
  }

  pinMessage(channelId: string, messageId: string): Promise<PinResponse> {
    return this.http.call(op('pinMessage', { channel_id: channelId }), {
      body: { message_id: messageId },
    });
  }

  /** Answers the `pin.removed` event. */
  async unpinMessage(channelId: string, messageId: string): Promise<Event> {
    return (
      await this.http.call<UnpinResponse>(
        op('unpinMessage', { channel_id: channelId, message_id: messageId }),
      )
    ).event;
  }

  join(channelId: string): Promise<ChannelEventOnly> {
    return this.http.call(op('joinChannel', { channel_id: channelId }), { body: {} });
  }

  leave(channelId: string): Promise<ChannelEventOnly> {
    return this.http.call(op('leaveChannel', { channel_id: channelId }), { body: {} });
  }

  async members(channelId: string): Promise<User[]> {
    return (
      await this.http.call<ChannelMembersResponse>(
        op('listChannelMembers', { channel_id: channelId }),
      )
    ).members;
  }

  addMember(channelId: string, userId: string): Promise<ChannelEventOnly> {
    return this.http.call(op('addChannelMember', { channel_id: channelId }), {
      body: { user_id: userId },
    });
  }

  removeMember(channelId: string, userId: string): Promise<ChannelEventOnly> {
    return this.http.call(op('removeChannelMember', { channel_id: channelId, user_id: userId }));
  }
}
