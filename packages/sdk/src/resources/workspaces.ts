import type {
  AcceptInviteResponse,
  CreateWorkspaceBody,
  CreateWorkspaceResponse,
  MemberListQuery,
  MemberListResponse,
  Workspace,
  WorkspaceListResponse,
  WorkspaceResponse,
} from '@clickclack/protocol';
import { seg, type Http } from '../http.js';

export class WorkspacesResource {
  constructor(private readonly http: Http) {}

  async list(): Promise<Workspace[]> {
    return (await this.http.request<WorkspaceListResponse>('GET', '/api/workspaces')).workspaces;
  }

  create(input: CreateWorkspaceBody): Promise<CreateWorkspaceResponse> {
    return this.http.request('POST', '/api/workspaces', { body: input });
  }

  async get(workspaceId: string): Promise<Workspace> {
    return (
      await this.http.request<WorkspaceResponse>('GET', `/api/workspaces/${seg(workspaceId)}`)
    ).workspace;
  }

  members(workspaceId: string, query: MemberListQuery = {}): Promise<MemberListResponse> {
    return this.http.request('GET', `/api/workspaces/${seg(workspaceId)}/members`, {
      query: { ...query },
    });
  }

  async presence(workspaceId: string): Promise<string[]> {
    return (
      await this.http.request<{ user_ids: string[] }>(
        'GET',
        `/api/workspaces/${seg(workspaceId)}/presence`,
      )
    ).user_ids;
  }

  acceptInvite(token: string): Promise<AcceptInviteResponse> {
    return this.http.request('POST', `/api/invites/${seg(token)}/accept`, { body: {} });
  }
}
