import type {
  FollowResponse,
  Message,
  MessageMutationResponse,
  MessageResponse,
  ReactionListResponse,
  ReactionsResponse,
  UpdateMessageBody,
} from '@clickclack/protocol';
import { isClickClackError } from '../errors.js';
import { type Http, op } from '../http.js';

/**
 * One message by id: read, find by nonce, edit, delete, and the calls made on a message (its
 * reactions, following its thread, its Copy-link route).
 */
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
