import { Type, type Static } from 'typebox';
import { Timestamp } from '../entities/common.js';
import { Event } from '../entities/event.js';
import { User } from '../entities/user.js';
import {
  CreateMessageBody,
  MessageEventResponse,
  MessagePage,
  MessagePageQuery,
} from './messages.js';
import { OkResponse } from './ok-response.js';
import { ok, type Operation } from './operation.js';
import { ReadBody, ReceiptResponse, UnreadBody } from './read-state.js';

export const DirectConversation = Type.Object({
  id: Type.String(),
  route_id: Type.String(),
  workspace_id: Type.String(),
  created_at: Timestamp,
  /** Every member, the caller included, ordered by display name. */
  members: Type.Array(User),
  last_seq: Type.Integer(),
  last_read_seq: Type.Integer(),
  unread_count: Type.Integer(),
  /** Every unread DM message is addressed to you, so it counts as a mention (as in Slack). */
  mention_count: Type.Integer(),
  /** False once no other member is left in the workspace. */
  can_send: Type.Boolean(),
});
export type DirectConversation = Static<typeof DirectConversation>;

export const MAX_DM_MEMBERS = 32;

export const CreateDmBody = Type.Object({
  workspace_id: Type.String({ maxLength: 100 }),
  member_ids: Type.Array(Type.String({ maxLength: 100 }), { maxItems: 64 }),
});
export type CreateDmBody = Static<typeof CreateDmBody>;

export const DmParams = Type.Object({ conversation_id: Type.String({ maxLength: 100 }) });
export type DmParams = Static<typeof DmParams>;

export const DmListQuery = Type.Object({ workspace_id: Type.String({ maxLength: 100 }) });
export type DmListQuery = Static<typeof DmListQuery>;

export const DmResponse = Type.Object({
  conversation: DirectConversation,
  event: Type.Optional(Event),
});
export type DmResponse = Static<typeof DmResponse>;

export const DmListResponse = Type.Object({ conversations: Type.Array(DirectConversation) });
export type DmListResponse = Static<typeof DmListResponse>;

/** Direct conversations: open, list, close, reopen, and their messages and read pointers. */
export const DMS_OPERATIONS = {
  createDm: {
    method: 'POST',
    path: '/api/dms',
    summary: 'Open a DM (1:1 conversations are reused) with 2-32 members',
    auth: true,
    body: CreateDmBody,
    responses: ok(201, DmResponse),
  },
  listDms: {
    method: 'GET',
    path: '/api/dms',
    summary: 'Your open DMs in a workspace',
    auth: true,
    query: DmListQuery,
    responses: ok(200, DmListResponse),
  },
  getDm: {
    method: 'GET',
    path: '/api/dms/:conversation_id',
    summary: 'One DM',
    auth: true,
    params: DmParams,
    responses: ok(200, DmResponse),
  },
  closeDm: {
    method: 'DELETE',
    path: '/api/dms/:conversation_id',
    summary: 'Close a DM for yourself (history stays)',
    auth: true,
    params: DmParams,
    responses: ok(200, OkResponse),
  },
  openDm: {
    method: 'POST',
    path: '/api/dms/:conversation_id/open',
    summary: 'Reopen a closed DM',
    auth: true,
    params: DmParams,
    responses: ok(200, DmResponse),
  },
  listDmMessages: {
    method: 'GET',
    path: '/api/dms/:conversation_id/messages',
    summary: 'Page of root messages in a DM',
    auth: true,
    params: DmParams,
    query: MessagePageQuery,
    responses: ok(200, MessagePage),
  },
  createDmMessage: {
    method: 'POST',
    path: '/api/dms/:conversation_id/messages',
    summary: 'Post in a DM',
    auth: true,
    params: DmParams,
    body: CreateMessageBody,
    responses: { 200: MessageEventResponse, 201: MessageEventResponse },
  },
  markDmRead: {
    method: 'POST',
    path: '/api/dms/:conversation_id/read',
    summary: 'Move your DM read pointer forward',
    auth: true,
    params: DmParams,
    body: ReadBody,
    responses: ok(200, ReceiptResponse),
  },
  markDmUnread: {
    method: 'POST',
    path: '/api/dms/:conversation_id/unread',
    summary: 'Mark a DM unread from a message: your read pointer moves back to just before it',
    auth: true,
    params: DmParams,
    body: UnreadBody,
    responses: ok(200, ReceiptResponse),
  },
} satisfies Record<string, Operation>;
