import type {
  CreateReplyBody,
  Message,
  ReplyResponse,
  ThreadPage,
  ThreadPageQuery,
} from '@clickclack/protocol';
import { type Http, type QueryOf, op } from '../http.js';

/** A thread's pages and replies (following one is `messages.follow`). */
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
