import type {
  AddMemberBody,
  ChannelEventOnly,
  CreateInviteResponse,
  CreateMessageBody,
  DirectConversation,
  DirectoryResponse,
  DmListResponse,
  DmResponse,
  MemberEventResponse,
  MessageEventResponse,
  MessagePage,
  MessagePageQuery,
  ReceiptResponse,
  RemoveMemberResponse,
  UpdateChannelBody,
  User,
  WorkspaceRole,
} from '@clickclack/protocol';
import { seg, type Http } from '../http.js';

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

  close(id: string): Promise<{ ok: boolean }> {
    return this.http.request('DELETE', `/api/dms/${seg(id)}`);
  }

  async open(id: string): Promise<DirectConversation> {
    return (await this.http.request<DmResponse>('POST', `/api/dms/${seg(id)}/open`, { body: {} }))
      .conversation;
  }

  messages(id: string, query: MessagePageQuery = {}): Promise<MessagePage> {
    return this.http.request('GET', `/api/dms/${seg(id)}/messages`, { query: { ...query } });
  }

  sendMessage(id: string, input: CreateMessageBody): Promise<MessageEventResponse> {
    return this.http.request('POST', `/api/dms/${seg(id)}/messages`, { body: input });
  }

  markRead(id: string, seq: number): Promise<ReceiptResponse> {
    return this.http.request('POST', `/api/dms/${seg(id)}/read`, { body: { seq } });
  }
}

/** Channel and workspace membership management. */
export class AdminResource {
  constructor(private readonly http: Http) {}

  updateChannel(channelId: string, patch: UpdateChannelBody): Promise<ChannelEventOnly> {
    return this.http.request('PATCH', `/api/channels/${seg(channelId)}`, { body: patch });
  }

  joinChannel(channelId: string): Promise<ChannelEventOnly> {
    return this.http.request('POST', `/api/channels/${seg(channelId)}/join`, { body: {} });
  }

  leaveChannel(channelId: string): Promise<ChannelEventOnly> {
    return this.http.request('POST', `/api/channels/${seg(channelId)}/leave`, { body: {} });
  }

  async channelMembers(channelId: string): Promise<User[]> {
    return (
      await this.http.request<{ members: User[] }>('GET', `/api/channels/${seg(channelId)}/members`)
    ).members;
  }

  addChannelMember(channelId: string, userId: string): Promise<ChannelEventOnly> {
    return this.http.request('POST', `/api/channels/${seg(channelId)}/members`, {
      body: { user_id: userId },
    });
  }

  removeChannelMember(channelId: string, userId: string): Promise<ChannelEventOnly> {
    return this.http.request('DELETE', `/api/channels/${seg(channelId)}/members/${seg(userId)}`);
  }

  channelDirectory(workspaceId: string): Promise<DirectoryResponse> {
    return this.http.request('GET', `/api/workspaces/${seg(workspaceId)}/channel-directory`);
  }

  addMember(workspaceId: string, input: AddMemberBody): Promise<MemberEventResponse> {
    return this.http.request('POST', `/api/workspaces/${seg(workspaceId)}/members`, {
      body: input,
    });
  }

  setRole(workspaceId: string, userId: string, role: WorkspaceRole): Promise<MemberEventResponse> {
    return this.http.request(
      'PATCH',
      `/api/workspaces/${seg(workspaceId)}/members/${seg(userId)}`,
      { body: { role } },
    );
  }

  removeMember(workspaceId: string, userId: string): Promise<RemoveMemberResponse> {
    return this.http.request(
      'DELETE',
      `/api/workspaces/${seg(workspaceId)}/members/${seg(userId)}`,
    );
  }

  createInvite(workspaceId: string): Promise<CreateInviteResponse> {
    return this.http.request('POST', `/api/workspaces/${seg(workspaceId)}/invites`, { body: {} });
  }
}
