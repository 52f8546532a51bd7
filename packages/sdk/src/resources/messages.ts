import type {
  CreateReplyBody,
  FollowResponse,
  Message,
  MessageMutationResponse,
  MessageResponse,
  ReactionListResponse,
  ReactionsResponse,
  ReplyResponse,
  ThreadPage,
  ThreadPageQuery,
  UpdateMessageBody,
} from '@clickclack/protocol';
import { isClickClackError } from '../errors.js';
import { seg, type Http, type QueryOf } from '../http.js';

export class MessagesResource {
  constructor(private readonly http: Http) {}

  async get(messageId: string): Promise<Message> {
    return (await this.http.request<MessageResponse>('GET', `/api/messages/${seg(messageId)}`))
      .message;
  }

  /**
   * The caller's message with this nonce, or undefined when there is none. A 404 without the
   * `X-ClickClack-Message-Nonce: supported` header means the server is too old: it throws.
   */
  async findByNonce(workspaceId: string, nonce: string): Promise<Message | undefined> {
    try {
      const res = await this.http.request<MessageResponse>('GET', '/api/messages/by-nonce', {
        query: { workspace_id: workspaceId, nonce },
      });
      return res.message;
    } catch (err) {
      if (
        isClickClackError(err, 404) &&
        err.headers.get('x-clickclack-message-nonce') === 'supported'
      ) {
        return undefined;
      }
      throw err;
    }
  }

  /** Copy link: the thread root with its public `M…` `route_id`, allocated on first use. */
  async ensureRoute(messageId: string): Promise<Message> {
    return (
      await this.http.request<MessageResponse>('POST', `/api/messages/${seg(messageId)}/route`)
    ).message;
  }

  /** Replaces the text of the caller's own message. */
  async update(messageId: string, input: UpdateMessageBody): Promise<Message> {
    return (await this.updateWithEvent(messageId, input)).message;
  }

  /** `update`, answering `{message, event}`. */
  updateWithEvent(messageId: string, input: UpdateMessageBody): Promise<MessageMutationResponse> {
    return this.http.request('PATCH', `/api/messages/${seg(messageId)}`, { body: input });
  }

  /** Soft delete: own messages, or any channel message for owners and moderators. */
  async delete(messageId: string): Promise<Message> {
    return (await this.deleteWithEvent(messageId)).message;
  }

  /** `delete`, answering `{message, event}`. */
  deleteWithEvent(messageId: string): Promise<MessageMutationResponse> {
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

  /** Every reaction with who reacted. */
  reactions(messageId: string): Promise<ReactionListResponse> {
    return this.http.request('GET', `/api/messages/${seg(messageId)}/reactions`);
  }

  /** Follow (or with `false`, unfollow) a thread. */
  follow(rootId: string, following = true): Promise<FollowResponse> {
    return this.http.request(following ? 'POST' : 'DELETE', `/api/messages/${seg(rootId)}/follow`);
  }
}

export class ThreadsResource {
  constructor(private readonly http: Http) {}

  /** One page of a thread: `limit`, `latest`, or one of `before_seq`/`after_seq`/`around_seq`. */
  get(rootId: string, query: QueryOf<ThreadPageQuery> = {}): Promise<ThreadPage> {
    return this.http.request('GET', `/api/messages/${seg(rootId)}/thread`, { query });
  }

  async reply(rootId: string, input: CreateReplyBody): Promise<Message> {
    return (await this.replyWithEvent(rootId, input)).message;
  }

  /** `reply`, answering `{message, thread_state, events}`. */
  replyWithEvent(rootId: string, input: CreateReplyBody): Promise<ReplyResponse> {
    return this.http.request('POST', `/api/messages/${seg(rootId)}/thread/replies`, {
      body: input,
    });
  }
}
