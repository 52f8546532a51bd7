import { Type, type Static } from 'typebox';
import { Event } from '../entities/event.js';
import { Workspace } from '../entities/workspace.js';
import { ok, type Operation } from './operation.js';
import { WorkspaceParams } from './params.js';

export const WorkspaceListResponse = Type.Object({ workspaces: Type.Array(Workspace) });
export type WorkspaceListResponse = Static<typeof WorkspaceListResponse>;

export const CreateWorkspaceBody = Type.Object({
  name: Type.String({ maxLength: 200 }),
  slug: Type.Optional(Type.String({ maxLength: 200 })),
});
export type CreateWorkspaceBody = Static<typeof CreateWorkspaceBody>;

export const WorkspaceResponse = Type.Object({ workspace: Workspace });
export type WorkspaceResponse = Static<typeof WorkspaceResponse>;

export const CreateWorkspaceResponse = Type.Object({ workspace: Workspace, event: Event });
export type CreateWorkspaceResponse = Static<typeof CreateWorkspaceResponse>;

/** JSON `null` counts as absent; at least one field must be given. */
export const UpdateWorkspaceBody = Type.Object({
  name: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
  slug: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
  icon_url: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
});
export type UpdateWorkspaceBody = Static<typeof UpdateWorkspaceBody>;

/** `event` is absent when the update changed nothing. */
export const WorkspaceEventResponse = Type.Object({
  workspace: Workspace,
  event: Type.Optional(Event),
});
export type WorkspaceEventResponse = Static<typeof WorkspaceEventResponse>;

export const TransferOwnershipBody = Type.Object({
  user_id: Type.String({ maxLength: 100 }),
});
export type TransferOwnershipBody = Static<typeof TransferOwnershipBody>;

/** What deleting a workspace removes. */
export const WorkspaceDeletionCounts = Type.Object({
  members: Type.Integer(),
  channels: Type.Integer(),
  /** Live messages of every channel and DM, thread replies included. */
  messages: Type.Integer(),
  files: Type.Integer(),
});
export type WorkspaceDeletionCounts = Static<typeof WorkspaceDeletionCounts>;

/** `blocker` says why the caller could not delete the workspace; null when they can. */
export const WorkspaceDeletionPreview = Type.Object({
  workspace: Workspace,
  counts: WorkspaceDeletionCounts,
  blocker: Type.Union([Type.String(), Type.Null()]),
});
export type WorkspaceDeletionPreview = Static<typeof WorkspaceDeletionPreview>;

/** Workspaces themselves: create, list, rename, hand over, delete. */
export const WORKSPACES_OPERATIONS = {
  listWorkspaces: {
    method: 'GET',
    path: '/api/workspaces',
    summary: 'Workspaces the caller belongs to',
    auth: true,
    responses: ok(200, WorkspaceListResponse),
  },
  createWorkspace: {
    method: 'POST',
    path: '/api/workspaces',
    summary: 'Create a workspace',
    auth: true,
    body: CreateWorkspaceBody,
    responses: ok(201, CreateWorkspaceResponse),
  },
  getWorkspace: {
    method: 'GET',
    path: '/api/workspaces/:workspace_id',
    summary: 'One workspace',
    auth: true,
    params: WorkspaceParams,
    responses: ok(200, WorkspaceResponse),
  },
  updateWorkspace: {
    method: 'PATCH',
    path: '/api/workspaces/:workspace_id',
    summary: 'Rename a workspace, change its slug or icon (owners and moderators)',
    auth: true,
    params: WorkspaceParams,
    body: UpdateWorkspaceBody,
    responses: ok(200, WorkspaceEventResponse),
  },
  transferWorkspaceOwnership: {
    method: 'POST',
    path: '/api/workspaces/:workspace_id/transfer-ownership',
    summary: 'Make another human member the owner; the caller becomes a moderator (owner)',
    auth: true,
    params: WorkspaceParams,
    body: TransferOwnershipBody,
    responses: ok(200, WorkspaceEventResponse),
  },
  workspaceDeletionPreview: {
    method: 'GET',
    path: '/api/workspaces/:workspace_id/deletion-preview',
    summary: 'What deleting a workspace would remove, and what stops the caller deleting it',
    auth: true,
    params: WorkspaceParams,
    responses: ok(200, WorkspaceDeletionPreview),
  },
  deleteWorkspace: {
    method: 'DELETE',
    path: '/api/workspaces/:workspace_id',
    summary: 'Permanently delete a workspace with everything in it (owner; 204)',
    auth: true,
    params: WorkspaceParams,
    responses: ok(204, Type.Null()),
  },
} satisfies Record<string, Operation>;
