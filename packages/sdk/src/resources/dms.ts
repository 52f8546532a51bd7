import type {
  CreateMessageBody,
  DirectConversation,
  DmListResponse,
  DmResponse,
  MessageEventResponse,
  MessagePage,
  MessagePageQuery,
  OkResponse,
  ReceiptResponse,
} from '@clickclack/protocol';
import { seg, type Http, type QueryOf } from '../http.js';

/** Direct conversations. */
export class DmsResource {
  constructor(private readonly http: Http) {}

  async list(workspaceId: string): Promise<DirectConversation[]> {
    return (
      await this.http.request<DmListResponse>('GET', '/api/dms', {
        query: { workspace_id: workspaceId },
      })
    ).conversations;
  }

  create(workspaceId: string, memberIds: string[]): Promise<DmResponse> {
    return this.http.request('POST', '/api/dms', {
      body: { workspace_id: workspaceId, member_ids: memberIds },
    });
  }

  async get(id: string): Promise<DirectConversation> {
    return (await this.http.request<DmResponse>('GET', `/api/dms/${seg(id)}`)).conversation;
  }

  /** Hides the DM from the caller's list until the next message (or `open`). */
  close(id: string): Promise<OkResponse> {
    return this.http.request('DELETE', `/api/dms/${seg(id)}`);
  }

  async open(id: string): Promise<DirectConversation> {
    return (await this.http.request<DmResponse>('POST', `/api/dms/${seg(id)}/open`, { body: {} }))
      .conversation;
  }

  messages(id: string, query: QueryOf<MessagePageQuery> = {}): Promise<MessagePage> {
    return this.http.request('GET', `/api/dms/${seg(id)}/messages`, { query });
  }

  sendMessage(id: string, input: CreateMessageBody): Promise<MessageEventResponse> {
    return this.http.request('POST', `/api/dms/${seg(id)}/messages`, { body: input });
  }

  markRead(id: string, seq: number): Promise<ReceiptResponse> {
    return this.http.request('POST', `/api/dms/${seg(id)}/read`, { body: { seq } });
  }
}
