import { Type, type Static } from 'typebox';
import { Channel } from '../entities/channel.js';
import { Event } from '../entities/event.js';
import { User } from '../entities/user.js';
import { Invite, WorkspaceMember, WorkspaceRole } from '../entities/workspace.js';

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

export const AddMemberBody = Type.Object({
  user_id: Type.Optional(Type.String({ maxLength: 100 })),
  handle: Type.Optional(Type.String({ maxLength: 100 })),
  email: Type.Optional(Type.String({ maxLength: 320 })),
  role: Type.Optional(Type.String({ maxLength: 20 })),
});
export type AddMemberBody = Static<typeof AddMemberBody>;

export const UpdateMemberBody = Type.Object({ role: WorkspaceRole });
export type UpdateMemberBody = Static<typeof UpdateMemberBody>;

export const WorkspaceMemberParams = Type.Object({
  workspace_id: Type.String({ maxLength: 100 }),
  user_id: Type.String({ maxLength: 100 }),
});
export type WorkspaceMemberParams = Static<typeof WorkspaceMemberParams>;

export const MemberEventResponse = Type.Object({
  member: WorkspaceMember,
  event: Type.Optional(Event),
});
export type MemberEventResponse = Static<typeof MemberEventResponse>;

export const RemoveMemberResponse = Type.Object({ removed_user_id: Type.String(), event: Event });
export type RemoveMemberResponse = Static<typeof RemoveMemberResponse>;

/** `url` opens the web app on the invite (the server's public URL, else the request's origin). */
export const CreateInviteResponse = Type.Object({
  invite: Invite,
  token: Type.String(),
  url: Type.String(),
});
export type CreateInviteResponse = Static<typeof CreateInviteResponse>;

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
