import { Type, type TSchema } from 'typebox';
import { ErrorBody } from '../errors.js';
import * as A from './auth.js';
import * as C from './channels.js';
import * as M from './messages.js';
import * as R from './realtime.js';
import * as W from './workspaces.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface Operation {
  method: HttpMethod;
  /** Fastify-style path (`:param`). */
  path: string;
  summary: string;
  /** false for the public allow-list; everything else needs a caller. */
  auth: boolean;
  params?: TSchema;
  query?: TSchema;
  body?: TSchema;
  responses: Record<number, TSchema>;
}

const ok = (status: number, schema: TSchema) => ({ [status]: schema });
const Health = Type.Object({ ok: Type.Boolean() });

/** THE route table of the HTTP API: the server registers these and OpenAPI is built from them. */
export const OPERATIONS = {
  healthz: {
    method: 'GET',
    path: '/healthz',
    summary: 'Liveness',
    auth: false,
    responses: ok(200, Health),
  },
  readyz: {
    method: 'GET',
    path: '/readyz',
    summary: 'Readiness (database reachable)',
    auth: false,
    responses: ok(200, Health),
  },
  magicRequest: {
    method: 'POST',
    path: '/api/auth/magic/request',
    summary: 'Mint a magic link (dev bootstrap, loopback only)',
    auth: false,
    body: A.MagicRequestBody,
    responses: ok(201, A.MagicRequestResponse),
  },
  magicConsume: {
    method: 'POST',
    path: '/api/auth/magic/consume',
    summary: 'Exchange a magic link for a session',
    auth: false,
    body: A.MagicConsumeBody,
    responses: ok(200, A.MagicConsumeResponse),
  },
  logout: {
    method: 'POST',
    path: '/api/auth/logout',
    summary: 'Revoke the current session',
    auth: false,
    responses: ok(200, A.OkResponse),
  },
  getMe: {
    method: 'GET',
    path: '/api/me',
    summary: 'The caller',
    auth: true,
    responses: ok(200, A.MeResponse),
  },
  updateMe: {
    method: 'PATCH',
    path: '/api/me',
    summary: 'Update the caller profile',
    auth: true,
    body: A.UpdateMeBody,
    responses: ok(200, A.MeResponse),
  },
  listWorkspaces: {
    method: 'GET',
    path: '/api/workspaces',
    summary: 'Workspaces the caller belongs to',
    auth: true,
    responses: ok(200, W.WorkspaceListResponse),
  },
  createWorkspace: {
    method: 'POST',
    path: '/api/workspaces',
    summary: 'Create a workspace',
    auth: true,
    body: W.CreateWorkspaceBody,
    responses: ok(201, W.CreateWorkspaceResponse),
  },
  getWorkspace: {
    method: 'GET',
    path: '/api/workspaces/:workspace_id',
    summary: 'One workspace',
    auth: true,
    params: W.WorkspaceParams,
    responses: ok(200, W.WorkspaceResponse),
  },
  listMembers: {
    method: 'GET',
    path: '/api/workspaces/:workspace_id/members',
    summary: 'Workspace member directory',
    auth: true,
    params: W.WorkspaceParams,
    query: W.MemberListQuery,
    responses: ok(200, W.MemberListResponse),
  },
  listChannels: {
    method: 'GET',
    path: '/api/workspaces/:workspace_id/channels',
    summary: 'Channels visible to the caller',
    auth: true,
    params: W.WorkspaceParams,
    responses: ok(200, C.ChannelListResponse),
  },
  createChannel: {
    method: 'POST',
    path: '/api/workspaces/:workspace_id/channels',
    summary: 'Create a channel',
    auth: true,
    params: W.WorkspaceParams,
    body: C.CreateChannelBody,
    responses: ok(201, C.ChannelEventResponse),
  },
  getChannel: {
    method: 'GET',
    path: '/api/channels/:channel_id',
    summary: 'One channel',
    auth: true,
    params: C.ChannelParams,
    responses: ok(200, C.ChannelResponse),
  },
  listMessages: {
    method: 'GET',
    path: '/api/channels/:channel_id/messages',
    summary: 'Page of root messages',
    auth: true,
    params: C.ChannelParams,
    query: M.MessagePageQuery,
    responses: ok(200, M.MessagePage),
  },
  createMessage: {
    method: 'POST',
    path: '/api/channels/:channel_id/messages',
    summary: 'Post a message',
    auth: true,
    params: C.ChannelParams,
    body: M.CreateMessageBody,
    responses: { 200: M.MessageEventResponse, 201: M.MessageEventResponse },
  },
  messageByNonce: {
    method: 'GET',
    path: '/api/messages/by-nonce',
    summary: "The caller's message with this nonce",
    auth: true,
    query: M.ByNonceQuery,
    responses: ok(200, M.MessageResponse),
  },
  getMessage: {
    method: 'GET',
    path: '/api/messages/:message_id',
    summary: 'One message',
    auth: true,
    params: M.MessageParams,
    responses: ok(200, M.MessageResponse),
  },
  getThread: {
    method: 'GET',
    path: '/api/messages/:message_id/thread',
    summary: 'A thread page',
    auth: true,
    params: M.MessageParams,
    query: M.ThreadPageQuery,
    responses: ok(200, M.ThreadPage),
  },
  createReply: {
    method: 'POST',
    path: '/api/messages/:message_id/thread/replies',
    summary: 'Reply in a thread',
    auth: true,
    params: M.MessageParams,
    body: M.CreateReplyBody,
    responses: { 200: M.ReplyResponse, 201: M.ReplyResponse },
  },
  acceptInvite: {
    method: 'POST',
    path: '/api/invites/:token/accept',
    summary: 'Join a workspace with an invite token',
    auth: true,
    params: W.InviteParams,
    responses: ok(200, W.AcceptInviteResponse),
  },
  listEvents: {
    method: 'GET',
    path: '/api/realtime/events',
    summary: 'Page of visible durable events after a cursor (optionally long-polling)',
    auth: true,
    query: R.EventListQuery,
    responses: ok(200, R.EventPage),
  },
  publishEphemeral: {
    method: 'POST',
    path: '/api/realtime/ephemeral',
    summary: 'Send a typing/presence/progress event to connected sockets (not stored)',
    auth: true,
    body: R.EphemeralBody,
    responses: ok(202, R.EphemeralResponse),
  },
  eventTypes: {
    method: 'GET',
    path: '/api/event-types',
    summary: 'Durable event type names',
    auth: true,
    responses: ok(200, R.EventTypesResponse),
  },
  presence: {
    method: 'GET',
    path: '/api/workspaces/:workspace_id/presence',
    summary: 'Users with an open realtime connection',
    auth: true,
    params: W.WorkspaceParams,
    responses: ok(200, R.PresenceResponse),
  },
} satisfies Record<string, Operation>;

export type OperationId = keyof typeof OPERATIONS;
export { ErrorBody };
