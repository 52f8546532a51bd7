import type {
  CreateReplyBody,
  Message,
  MessageResponse,
  ReplyResponse,
  ThreadPage,
  ThreadPageQuery,
} from '@clickclack/protocol';
import { ClickClackError } from '../errors.js';
import { seg, type Http } from '../http.js';

export class MessagesResource {
  constructor(private readonly http: Http) {}

  async get(messageId: string): Promise<Message> {
    return (await this.http.request<MessageResponse>('GET', `/api/messages/${seg(messageId)}`))
      .message;
  }

  /**
   * The caller's message with this nonce, or null when there is none. A 404 without the
   * `X-ClickClack-Message-Nonce: supported` header means the server is too old: it throws.
   */
  async findByNonce(workspaceId: string, nonce: string): Promise<Message | null> {
    try {
      const res = await this.http.request<MessageResponse>('GET', '/api/messages/by-nonce', {
        query: { workspace_id: workspaceId, nonce },
      });
      return res.message;
    } catch (err) {
      if (
        err instanceof ClickClackError &&
        err.status === 404 &&
        err.headers.get('x-clickclack-message-nonce') === 'supported'
      ) {
        return null;
      }
      throw err;
    }
  }
}

export class ThreadsResource {
  constructor(private readonly http: Http) {}

  get(rootId: string, query: ThreadPageQuery = {}): Promise<ThreadPage> {
    return this.http.request('GET', `/api/messages/${seg(rootId)}/thread`, { query: { ...query } });
  }

  reply(rootId: string, input: CreateReplyBody): Promise<ReplyResponse> {
    return this.http.request('POST', `/api/messages/${seg(rootId)}/thread/replies`, {
      body: input,
    });
  }
}
