import { Type, type Static } from 'typebox';
import { Channel, NotificationPreference } from '../entities/channel.js';
import { Event } from '../entities/event.js';
import { User } from '../entities/user.js';
import { ok, type Operation } from './operation.js';
import { ChannelParams, WorkspaceParams } from './params.js';
import { ReadBody, ReceiptResponse, UnreadBody } from './read-state.js';

export const ChannelListResponse = Type.Object({ channels: Type.Array(Channel) });
export type ChannelListResponse = Static<typeof ChannelListResponse>;

export const CreateChannelBody = Type.Object({
  name: Type.String({ maxLength: 200 }),
  kind: Type.Optional(Type.String({ maxLength: 20 })),
  display_title: Type.Optional(Type.String({ maxLength: 1000 })),
  external_managed: Type.Optional(Type.Boolean()),
  external_ref: Type.Optional(Type.String({ maxLength: 1000 })),
  external_url: Type.Optional(Type.String({ maxLength: 2000 })),
  sidebar_section: Type.Optional(Type.String({ maxLength: 200 })),
});
export type CreateChannelBody = Static<typeof CreateChannelBody>;

export const ChannelResponse = Type.Object({ channel: Channel });
export type ChannelResponse = Static<typeof ChannelResponse>;

export const ChannelEventResponse = Type.Object({ channel: Channel, event: Event });
export type ChannelEventResponse = Static<typeof ChannelEventResponse>;

/** Any subset; a field left out (or null) stays as it is, and so does an empty name or kind. */
export const UpdateChannelBody = Type.Object({
  name: Type.Optional(Type.String({ maxLength: 200 })),
  /** `public` or `private`; #general stays public. */
  kind: Type.Optional(Type.String({ maxLength: 20 })),
  topic: Type.Optional(Type.String({ maxLength: 1000 })),
  purpose: Type.Optional(Type.String({ maxLength: 1000 })),
  display_title: Type.Optional(Type.String({ maxLength: 1000 })),
  archived: Type.Optional(Type.Boolean()),
  external_managed: Type.Optional(Type.Boolean()),
  /** `""` clears, as for display_title and sidebar_section. */
  external_ref: Type.Optional(Type.String({ maxLength: 1000 })),
  external_url: Type.Optional(Type.String({ maxLength: 2000 })),
  sidebar_section: Type.Optional(Type.String({ maxLength: 200 })),
});
export type UpdateChannelBody = Static<typeof UpdateChannelBody>;

export const ChannelMembersResponse = Type.Object({ members: Type.Array(User) });
export type ChannelMembersResponse = Static<typeof ChannelMembersResponse>;

export const ChannelMemberBody = Type.Object({ user_id: Type.String({ maxLength: 100 }) });
export type ChannelMemberBody = Static<typeof ChannelMemberBody>;

export const ChannelMemberParams = Type.Object({
  channel_id: Type.String({ maxLength: 100 }),
  user_id: Type.String({ maxLength: 100 }),
});
export type ChannelMemberParams = Static<typeof ChannelMemberParams>;

export const ChannelEventOnly = Type.Object({ channel: Channel, event: Type.Optional(Event) });
export type ChannelEventOnly = Static<typeof ChannelEventOnly>;

export const DirectoryEntry = Type.Object({ channel: Channel, member_count: Type.Integer() });
export const DirectoryResponse = Type.Object({ channels: Type.Array(DirectoryEntry) });
export type DirectoryResponse = Static<typeof DirectoryResponse>;

/** What deleting a channel removes: live messages, live thread replies, attached files. */
export const ChannelDeletionCounts = Type.Object({
  messages: Type.Integer(),
  thread_replies: Type.Integer(),
  files: Type.Integer(),
});
export type ChannelDeletionCounts = Static<typeof ChannelDeletionCounts>;

/** `blocker` says why the caller could not delete the channel now; null when they can. */
export const ChannelDeletionPreview = Type.Object({
  channel: Channel,
  counts: ChannelDeletionCounts,
  blocker: Type.Union([Type.String(), Type.Null()]),
});
export type ChannelDeletionPreview = Static<typeof ChannelDeletionPreview>;

export const DeleteChannelResponse = Type.Object({
  deleted_channel: Channel,
  counts: ChannelDeletionCounts,
  event: Event,
});
export type DeleteChannelResponse = Static<typeof DeleteChannelResponse>;

/** `GET/PATCH /api/channels/{id}/notification-settings`, as upstream: one `preference`. */
export const NotificationSettingsBody = Type.Object({
  /** `all`, `mentions` or `muted`; anything else is a 400 naming the three. */
  preference: Type.String({ maxLength: 20 }),
});
export type NotificationSettingsBody = Static<typeof NotificationSettingsBody>;

export const NotificationSettingsResponse = Type.Object({ preference: NotificationPreference });
export type NotificationSettingsResponse = Static<typeof NotificationSettingsResponse>;

/** Channels: create, change, delete, membership, the directory, and each member's own settings. */
export const CHANNELS_OPERATIONS = {
  listChannels: {
    method: 'GET',
    path: '/api/workspaces/:workspace_id/channels',
    summary: 'Channels visible to the caller',
    auth: true,
    params: WorkspaceParams,
    responses: ok(200, ChannelListResponse),
  },
  createChannel: {
    method: 'POST',
    path: '/api/workspaces/:workspace_id/channels',
    summary: 'Create a channel',
    auth: true,
    params: WorkspaceParams,
    body: CreateChannelBody,
    responses: ok(201, ChannelEventResponse),
  },
  getChannel: {
    method: 'GET',
    path: '/api/channels/:channel_id',
    summary: 'One channel',
    auth: true,
    params: ChannelParams,
    responses: ok(200, ChannelResponse),
  },
  updateChannel: {
    method: 'PATCH',
    path: '/api/channels/:channel_id',
    summary:
      'Rename, make public or private, set topic/purpose/links, archive or unarchive a channel',
    auth: true,
    params: ChannelParams,
    body: UpdateChannelBody,
    responses: ok(200, ChannelEventOnly),
  },
  channelDeletionPreview: {
    method: 'GET',
    path: '/api/channels/:channel_id/deletion-preview',
    summary: 'What deleting a channel would remove, and what stops the caller deleting it',
    auth: true,
    params: ChannelParams,
    responses: ok(200, ChannelDeletionPreview),
  },
  deleteChannel: {
    method: 'DELETE',
    path: '/api/channels/:channel_id',
    summary: 'Permanently delete a channel, its messages and files (workspace owner)',
    auth: true,
    params: ChannelParams,
    responses: ok(200, DeleteChannelResponse),
  },
  joinChannel: {
    method: 'POST',
    path: '/api/channels/:channel_id/join',
    summary: 'Join a public channel',
    auth: true,
    params: ChannelParams,
    responses: ok(200, ChannelEventOnly),
  },
  leaveChannel: {
    method: 'POST',
    path: '/api/channels/:channel_id/leave',
    summary: 'Leave a channel (not #general)',
    auth: true,
    params: ChannelParams,
    responses: ok(200, ChannelEventOnly),
  },
  listChannelMembers: {
    method: 'GET',
    path: '/api/channels/:channel_id/members',
    summary: 'Members of a channel',
    auth: true,
    params: ChannelParams,
    responses: ok(200, ChannelMembersResponse),
  },
  addChannelMember: {
    method: 'POST',
    path: '/api/channels/:channel_id/members',
    summary: 'Add a workspace member to a channel',
    auth: true,
    params: ChannelParams,
    body: ChannelMemberBody,
    responses: ok(200, ChannelEventOnly),
  },
  removeChannelMember: {
    method: 'DELETE',
    path: '/api/channels/:channel_id/members/:user_id',
    summary: 'Remove someone from a channel (managers and the channel creator)',
    auth: true,
    params: ChannelMemberParams,
    responses: ok(200, ChannelEventOnly),
  },
  channelDirectory: {
    method: 'GET',
    path: '/api/workspaces/:workspace_id/channel-directory',
    summary: 'Public channels with member counts',
    auth: true,
    params: WorkspaceParams,
    responses: ok(200, DirectoryResponse),
  },
  getChannelNotificationSettings: {
    method: 'GET',
    path: '/api/channels/:channel_id/notification-settings',
    summary: "The caller's notification preference for a channel (all, mentions, muted)",
    auth: true,
    params: ChannelParams,
    responses: ok(200, NotificationSettingsResponse),
  },
  updateChannelNotificationSettings: {
    method: 'PATCH',
    path: '/api/channels/:channel_id/notification-settings',
    summary: 'Set your notification preference for a channel; it governs its unread badges',
    auth: true,
    params: ChannelParams,
    body: NotificationSettingsBody,
    responses: ok(200, NotificationSettingsResponse),
  },
  markChannelRead: {
    method: 'POST',
    path: '/api/channels/:channel_id/read',
    summary: 'Move your read pointer forward',
    auth: true,
    params: ChannelParams,
    body: ReadBody,
    responses: ok(200, ReceiptResponse),
  },
  markChannelUnread: {
    method: 'POST',
    path: '/api/channels/:channel_id/unread',
    summary: 'Mark unread from a message: your read pointer moves back to just before it',
    auth: true,
    params: ChannelParams,
    body: UnreadBody,
    responses: ok(200, ReceiptResponse),
  },
} satisfies Record<string, Operation>;
