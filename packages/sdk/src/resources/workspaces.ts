import type {
  DeactivatedUserResponse,
  User,
  AddMemberBody,
  CreateInviteResponse,
  CreateWorkspaceBody,
  CreateWorkspaceResponse,
  DirectoryResponse,
  MemberEventResponse,
  MemberListQuery,
  MemberListResponse,
  MemberModeration,
  ModerateMemberBody,
  ModerateMemberResponse,
  ModerationRosterResponse,
  PresenceResponse,
  RemoveMemberResponse,
  UpdateWorkspaceBody,
  Workspace,
  WorkspaceDeletionPreview,
  WorkspaceEventResponse,
  WorkspaceListResponse,
  WorkspaceResponse,
  WorkspaceRole,
} from '@clickclack/protocol';
import { type Http, type QueryOf, op } from '../http.js';

export class WorkspacesResource {
  constructor(private readonly http: Http) {}

  /** The caller's workspaces, oldest first. */
  async list(): Promise<Workspace[]> {
    return (await this.http.call<WorkspaceListResponse>(op('listWorkspaces'))).workspaces;
  }

  async create(input: CreateWorkspaceBody): Promise<Workspace> {
    return (await this.createWithEvent(input)).workspace;
  }

  /** `create`, answering `{workspace, event}`. */
  createWithEvent(input: CreateWorkspaceBody): Promise<CreateWorkspaceResponse> {
    return this.http.call(op('createWorkspace'), { body: input });
  }

  async get(workspaceId: string): Promise<Workspace> {
    return (
      await this.http.call<WorkspaceResponse>(op('getWorkspace', { workspace_id: workspaceId }))
    ).workspace;
  }

  /**
   * Renames the workspace, changes its slug or icon (`""` clears it; else
   * `/api/uploads/<id>` of an image uploaded to it). Owners and moderators. `event` is
   * absent when nothing changed.
   */
  async update(workspaceId: string, input: UpdateWorkspaceBody): Promise<Workspace> {
    return (await this.updateWithEvent(workspaceId, input)).workspace;
  }

  /** `update`, answering `{workspace, event?}`. */
  updateWithEvent(
    workspaceId: string,
    input: UpdateWorkspaceBody,
  ): Promise<WorkspaceEventResponse> {
    return this.http.call(op('updateWorkspace', { workspace_id: workspaceId }), { body: input });
  }

  /** Makes another human member the owner; the caller becomes a moderator (owner only). */
  async transferOwnership(workspaceId: string, userId: string): Promise<Workspace> {
    return (await this.transferOwnershipWithEvent(workspaceId, userId)).workspace;
  }

  /** `transferOwnership`, answering `{workspace, event}`. */
  transferOwnershipWithEvent(workspaceId: string, userId: string): Promise<WorkspaceEventResponse> {
    return this.http.call(op('transferWorkspaceOwnership', { workspace_id: workspaceId }), {
      body: { user_id: userId },
    });
  }

  /** What deleting the workspace would remove, and `blocker`: why the caller cannot (or null). */
  deletionPreview(workspaceId: string): Promise<WorkspaceDeletionPreview> {
    return this.http.call(op('workspaceDeletionPreview', { workspace_id: workspaceId }));
  }

  /** Permanently deletes the workspace with everything in it (owner only). */
  delete(workspaceId: string): Promise<void> {
    return this.http.call(op('deleteWorkspace', { workspace_id: workspaceId }));
  }

  /** Member directory page (`q` filters by name, handle or email; `cursor` pages on). */
  members(workspaceId: string, query: QueryOf<MemberListQuery> = {}): Promise<MemberListResponse> {
    return this.http.call(op('listMembers', { workspace_id: workspaceId }), { query });
  }

  /** Adds an existing user by `user_id`, `handle` or `email` (managers only). */
  addMember(workspaceId: string, input: AddMemberBody): Promise<MemberEventResponse> {
    return this.http.call(op('addWorkspaceMember', { workspace_id: workspaceId }), {
      body: input,
    });
  }

  updateMember(
    workspaceId: string,
    userId: string,
    role: WorkspaceRole,
  ): Promise<MemberEventResponse> {
    return this.http.call(
      op('updateWorkspaceMember', { workspace_id: workspaceId, user_id: userId }),
      { body: { role } },
    );
  }

  removeMember(workspaceId: string, userId: string): Promise<RemoveMemberResponse> {
    return this.http.call(
      op('removeWorkspaceMember', { workspace_id: workspaceId, user_id: userId }),
    );
  }

  /**
   * Deactivates a member's account (an owner of every workspace they are in): signed out
   * everywhere, sign-in refused, messages kept.
   */
  async deactivateMember(workspaceId: string, userId: string): Promise<User> {
    const res = await this.http.call<DeactivatedUserResponse>(
      op('deactivateMember', { workspace_id: workspaceId, user_id: userId }),
    );
    return res.user;
  }

  /** Every member with their moderation state (owners and moderators only). */
  async moderationRoster(workspaceId: string): Promise<MemberModeration[]> {
    return (
      await this.http.call<ModerationRosterResponse>(
        op('moderationRoster', { workspace_id: workspaceId }),
      )
    ).members;
  }

  /** Blocks, times out, notes or re-roles a member; omitted fields stay as they are. */
  moderateMember(
    workspaceId: string,
    userId: string,
    input: ModerateMemberBody,
  ): Promise<ModerateMemberResponse> {
    return this.http.call(op('moderateMember', { workspace_id: workspaceId, user_id: userId }), {
      body: input,
    });
  }

  /** A single-use, 7-day invite link (more: `client.invites.create`). */
  createInvite(workspaceId: string): Promise<CreateInviteResponse> {
    return this.http.call(op('createInvite', { workspace_id: workspaceId }), { body: {} });
  }

  /** User ids with at least one live realtime connection in the workspace. */
  async presence(workspaceId: string): Promise<string[]> {
    return (await this.http.call<PresenceResponse>(op('presence', { workspace_id: workspaceId })))
      .user_ids;
  }

  /** Public channels with member counts, joined or not. */
  channelDirectory(workspaceId: string): Promise<DirectoryResponse> {
    return this.http.call(op('channelDirectory', { workspace_id: workspaceId }));
  }
}
