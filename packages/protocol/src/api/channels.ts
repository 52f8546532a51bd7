import { Type, type Static } from 'typebox';
import { Channel } from '../entities/channel.js';
import { Event } from '../entities/event.js';

export const ChannelParams = Type.Object({ channel_id: Type.String({ maxLength: 100 }) });
export type ChannelParams = Static<typeof ChannelParams>;

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
