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
import { type Http, type QueryOf, op } from '../http.js';

export class MessagesResource {
  constructor(private readonly http: Http) {}

  async get(messageId: string): Promise<Message> {
    return (await this.http.call<MessageResponse>(op('getMessage', { message_id: messageId })))
      .message;
  }

  /**
   * The caller's message with this nonce, or undefined when there is none. A 404 without the
   * `X-ClickClack-Message-Nonce: supported` header means the server is too old: it throws.
   */
  async findByNonce(workspaceId: string, nonce: string): Promise<Message | undefined> {
    try {
      const res = await this.http.call<MessageResponse>(op('messageByNonce'), {
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
      await this.http.call<MessageResponse>(op('ensureMessageRoute', { message_id: messageId }))
    ).message;
  }

  /** Replaces the text of the caller's own message. */
  async update(messageId: string, input: UpdateMessageBody): Promise<Message> {
    return (await this.updateWithEvent(messageId, input)).message;
  }

  /** `update`, answering `{message, event}`. */
  updateWithEvent(messageId: string, input: UpdateMessageBody): Promise<MessageMutationResponse> {
    return this.http.call(op('updateMessage', { message_id: messageId }), { body: input });
  }

  /** Soft delete: own messages, or any channel message for owners and moderators. */
  async delete(messageId: string): Promise<Message> {
    return (await this.deleteWithEvent(messageId)).message;
  }

  /** `delete`, answering `{message, event}`. */
  deleteWithEvent(messageId: string): Promise<MessageMutationResponse> {
    return this.http.call(op('deleteMessage', { message_id: messageId }));
  }

  addReaction(messageId: string, emoji: string): Promise<ReactionsResponse> {
    return this.http.call(op('addReaction', { message_id: messageId }), {
      body: { emoji },
    });
  }

  removeReaction(messageId: string, emoji: string): Promise<ReactionsResponse> {
    return this.http.call(op('removeReaction', { message_id: messageId, emoji }));
  }

  /** Every reaction with who reacted. */
  reactions(messageId: string): Promise<ReactionListResponse> {
    return this.http.call(op('listReactions', { message_id: messageId }));
  }

  /** Follow (or with `false`, unfollow) a thread. */
  follow(rootId: string, following = true): Promise<FollowResponse> {
    return this.http.call(
      op(following ? 'followThread' : 'unfollowThread', { message_id: rootId }),
    );
  }
}

export class ThreadsResource {
  constructor(private readonly http: Http) {}

  /** One page of a thread: `limit`, `latest`, or one of `before_seq`/`after_seq`/`around_seq`. */
  get(rootId: string, query: QueryOf<ThreadPageQuery> = {}): Promise<ThreadPage> {
    return this.http.call(op('getThread', { message_id: rootId }), { query });
  }

  async reply(rootId: string, input: CreateReplyBody): Promise<Message> {
    return (await this.replyWithEvent(rootId, input)).message;
  }

  /** `reply`, answering `{message, thread_state, events}`. */
  replyWithEvent(rootId: string, input: CreateReplyBody): Promise<ReplyResponse> {
    return this.http.call(op('createReply', { message_id: rootId }), {
      body: input,
    });
  }
}
