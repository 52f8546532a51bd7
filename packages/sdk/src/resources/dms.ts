import type {
  CreateMessageBody,
  DirectConversation,
  DmListResponse,
  DmResponse,
  Message,
  MessageEventResponse,
  MessagePage,
  MessagePageQuery,
  OkResponse,
  ReceiptResponse,
} from '@clickclack/protocol';
import { pageOptions, type Http, type QueryOf, op } from '../http.js';
import type { MessagePageOptions, ReadReceipt } from '../original-types.js';

/** Direct conversations. */
export class DmsResource {
  constructor(private readonly http: Http) {}

  async list(workspaceId: string): Promise<DirectConversation[]> {
    return (
      await this.http.call<DmListResponse>(op('listDms'), {
        query: { workspace_id: workspaceId },
      })
    ).conversations;
  }

  async create(workspaceId: string, memberIds: string[]): Promise<DirectConversation> {
    return (await this.createWithEvent(workspaceId, memberIds)).conversation;
  }

  /** `create`, answering `{conversation, event}` (the event only when it was new). */
  createWithEvent(workspaceId: string, memberIds: string[]): Promise<DmResponse> {
    return this.http.call(op('createDm'), {
      body: { workspace_id: workspaceId, member_ids: memberIds },
    });
  }

  async get(id: string): Promise<DirectConversation> {
    return (await this.http.call<DmResponse>(op('getDm', { conversation_id: id }))).conversation;
  }

  /** Hides the DM from the caller's list until the next message (or `open`). */
  async close(id: string): Promise<void> {
    await this.http.call<OkResponse>(op('closeDm', { conversation_id: id }));
  }

  async open(id: string): Promise<DirectConversation> {
    return (await this.http.call<DmResponse>(op('openDm', { conversation_id: id }), { body: {} }))
      .conversation;
  }

  /** The page's messages: from the oldest after a seq (default 0), or any page's options. */
  async messages(
    id: string,
    afterSeqOrOptions: number | MessagePageOptions = 0,
  ): Promise<Message[]> {
    return (await this.messagePage(id, pageOptions(afterSeqOrOptions))).messages;
  }

  /** One page of messages with its bounds (`after_seq`, `before_seq`, `around_seq`, `limit`, `mode`). */
  messagePage(id: string, query: QueryOf<MessagePageQuery> = {}): Promise<MessagePage> {
    return this.http.call(op('listDmMessages', { conversation_id: id }), { query });
  }

  async sendMessage(id: string, input: CreateMessageBody): Promise<Message> {
    return (await this.sendMessageWithEvent(id, input)).message;
  }

  /** `sendMessage`, answering `{message, event}` (no `event` for a nonce replay). */
  sendMessageWithEvent(id: string, input: CreateMessageBody): Promise<MessageEventResponse> {
    return this.http.call(op('createDmMessage', { conversation_id: id }), { body: input });
  }

  async markRead(id: string, seq: number): Promise<ReadReceipt> {
    return (
      await this.http.call<ReceiptResponse>(op('markDmRead', { conversation_id: id }), {
        body: { seq },
      })
    ).receipt;
  }

  /** Mark a DM unread from the message at `seq`. */
  async markUnread(id: string, seq: number): Promise<ReadReceipt> {
    return (
      await this.http.call<ReceiptResponse>(op('markDmUnread', { conversation_id: id }), {
        body: { seq },
      })
    ).receipt;
  }
}
