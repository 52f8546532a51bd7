import * as D from './conversations.js';
import {
  CreateMessageBody,
  MessageEventResponse,
  MessagePage,
  MessagePageQuery,
} from './messages.js';
import { ReadBody, ReceiptResponse } from './messaging.js';
import { OkResponse } from './auth.js';
import { ok, type Operation } from './operation.js';

/** DMs, channel management and workspace member management. */
export const CONVERSATION_OPERATIONS = {
  createDm: {
    method: 'POST',
    path: '/api/dms',
    summary: 'Open a DM (1:1 conversations are reused) with 2-32 members',
    auth: true,
    body: D.CreateDmBody,
    responses: ok(201, D.DmResponse),
  },
  listDms: {
    method: 'GET',
    path: '/api/dms',
    summary: 'Your open DMs in a workspace',
    auth: true,
    query: D.DmListQuery,
    responses: ok(200, D.DmListResponse),
  },
  getDm: {
    method: 'GET',
    path: '/api/dms/:conversation_id',
    summary: 'One DM',
    auth: true,
    params: D.DmParams,
    responses: ok(200, D.DmResponse),
  },
  closeDm: {
    method: 'DELETE',
    path: '/api/dms/:conversation_id',
    summary: 'Close a DM for yourself (history stays)',
    auth: true,
    params: D.DmParams,
    responses: ok(200, OkResponse),
  },
  openDm: {
    method: 'POST',
    path: '/api/dms/:conversation_id/open',
    summary: 'Reopen a closed DM',
    auth: true,
    params: D.DmParams,
    responses: ok(200, D.DmResponse),
  },
  listDmMessages: {
    method: 'GET',
    path: '/api/dms/:conversation_id/messages',
    summary: 'Page of root messages in a DM',
    auth: true,
    params: D.DmParams,
    query: MessagePageQuery,
    responses: ok(200, MessagePage),
  },
  createDmMessage: {
    method: 'POST',
    path: '/api/dms/:conversation_id/messages',
    summary: 'Post in a DM',
    auth: true,
    params: D.DmParams,
    body: CreateMessageBody,
    responses: { 200: MessageEventResponse, 201: MessageEventResponse },
  },
  markDmRead: {
    method: 'POST',
    path: '/api/dms/:conversation_id/read',
    summary: 'Move your DM read pointer forward',
    auth: true,
    params: D.DmParams,
    body: ReadBody,
    responses: ok(200, ReceiptResponse),
  },
} satisfies Record<string, Operation>;
