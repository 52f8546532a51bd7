import { Type, type Static } from 'typebox';

/** The workspace, channel and message ids in paths, which most features' operations take. */

export const WorkspaceParams = Type.Object({ workspace_id: Type.String({ maxLength: 100 }) });
export type WorkspaceParams = Static<typeof WorkspaceParams>;

export const ChannelParams = Type.Object({ channel_id: Type.String({ maxLength: 100 }) });
export type ChannelParams = Static<typeof ChannelParams>;

export const MessageParams = Type.Object({ message_id: Type.String({ maxLength: 100 }) });
export type MessageParams = Static<typeof MessageParams>;
