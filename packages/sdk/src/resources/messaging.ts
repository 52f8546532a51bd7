import type {
  FollowResponse,
  Message,
  MessageMutationResponse,
  MentionsQuery,
  MentionsResponse,
  PinListResponse,
  PinResponse,
  ReactionListResponse,
  ReactionsResponse,
  ReceiptResponse,
  UnpinResponse,
} from '@clickclack/protocol';
import { seg, type Http } from '../http.js';

/** Edits, deletes, reactions, pins, mentions, read pointers and thread follows. */
export class MessagingResource {
  constructor(private readonly http: Http) {}

  edit(messageId: string, body: string): Promise<MessageMutationResponse> {
    return this.http.request('PATCH', `/api/messages/${seg(messageId)}`, { body: { body } });
  }

  delete(messageId: string): Promise<MessageMutationResponse> {
    return this.http.request('DELETE', `/api/messages/${seg(messageId)}`);
  }

  addReaction(messageId: string, emoji: string): Promise<ReactionsResponse> {
    return this.http.request('POST', `/api/messages/${seg(messageId)}/reactions`, {
      body: { emoji },
    });
  }

  removeReaction(messageId: string, emoji: string): Promise<ReactionsResponse> {
    return this.http.request('DELETE', `/api/messages/${seg(messageId)}/reactions/${seg(emoji)}`);
  }

  reactions(messageId: string): Promise<ReactionListResponse> {
    return this.http.request('GET', `/api/messages/${seg(messageId)}/reactions`);
  }

  async pinnedMessages(channelId: string, limit?: number): Promise<Message[]> {
    return (
      await this.http.request<PinListResponse>('GET', `/api/channels/${seg(channelId)}/pins`, {
        query: { limit },
      })
    ).messages;
  }

  pin(channelId: string, messageId: string): Promise<PinResponse> {
    return this.http.request('POST', `/api/channels/${seg(channelId)}/pins`, {
      body: { message_id: messageId },
    });
  }

  unpin(channelId: string, messageId: string): Promise<UnpinResponse> {
    return this.http.request('DELETE', `/api/channels/${seg(channelId)}/pins/${seg(messageId)}`);
  }

  markRead(channelId: string, seq: number): Promise<ReceiptResponse> {
    return this.http.request('POST', `/api/channels/${seg(channelId)}/read`, { body: { seq } });
  }

  mentions(query: MentionsQuery = {}): Promise<MentionsResponse> {
    return this.http.request('GET', '/api/me/mentions', { query: { ...query } });
  }

  follow(rootId: string, following = true): Promise<FollowResponse> {
    return this.http.request(following ? 'POST' : 'DELETE', `/api/messages/${seg(rootId)}/follow`);
  }
}
