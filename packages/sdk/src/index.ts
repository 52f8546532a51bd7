export * from './client.js';
export * from './errors.js';
export * from './http.js';
export * from './resources/auth.js';
export * from './resources/channels.js';
export * from './resources/events.js';
export * from './resources/messages.js';
export * from './resources/workspaces.js';
export type * from '@clickclack/protocol';
