import { ACCOUNT_OPERATIONS } from './account.js';
import { APPS_OPERATIONS } from './apps.js';
import { AUDIT_LOG_OPERATIONS } from './audit-log.js';
import { AUTH_OPERATIONS } from './auth.js';
import { BOTS_OPERATIONS } from './bots.js';
import { CHANNELS_OPERATIONS } from './channels.js';
import { ROUTES_OPERATIONS } from './deep-link-routes.js';
import { DMS_OPERATIONS } from './dms.js';
import { EVENT_SUBSCRIPTIONS_OPERATIONS } from './event-subscriptions.js';
import { INVITES_OPERATIONS } from './invites.js';
import { MEMBERS_OPERATIONS } from './members.js';
import { MESSAGES_OPERATIONS } from './messages.js';
import { OPS_OPERATIONS } from './ops.js';
import { PINS_OPERATIONS } from './pins.js';
import { REACTIONS_OPERATIONS } from './reactions.js';
import { REALTIME_OPERATIONS } from './realtime.js';
import { SEARCH_OPERATIONS } from './search.js';
import { SLASH_COMMANDS_OPERATIONS } from './slash-commands.js';
import { THREADS_OPERATIONS } from './threads.js';
import { UNSUPPORTED_OPERATIONS } from './unsupported.js';
import { UPLOADS_OPERATIONS } from './uploads.js';
import { WEBHOOKS_OPERATIONS } from './webhooks.js';
import { WORKSPACES_OPERATIONS } from './workspaces.js';

export type { HttpMethod, Operation } from './operation.js';

const BY_FEATURE = {
  ...OPS_OPERATIONS,
  ...AUTH_OPERATIONS,
  ...ACCOUNT_OPERATIONS,
  ...WORKSPACES_OPERATIONS,
  ...MEMBERS_OPERATIONS,
  ...INVITES_OPERATIONS,
  ...CHANNELS_OPERATIONS,
  ...DMS_OPERATIONS,
  ...MESSAGES_OPERATIONS,
  ...THREADS_OPERATIONS,
  ...REACTIONS_OPERATIONS,
  ...PINS_OPERATIONS,
  ...ROUTES_OPERATIONS,
  ...UPLOADS_OPERATIONS,
  ...SEARCH_OPERATIONS,
  ...REALTIME_OPERATIONS,
  ...BOTS_OPERATIONS,
  ...WEBHOOKS_OPERATIONS,
  ...SLASH_COMMANDS_OPERATIONS,
  ...EVENT_SUBSCRIPTIONS_OPERATIONS,
  ...APPS_OPERATIONS,
  ...AUDIT_LOG_OPERATIONS,
  ...UNSUPPORTED_OPERATIONS,
};
type Id = keyof typeof BY_FEATURE;

/**
 * The published order of the operations: the OpenAPI document lists its paths in it and
 * routes.ts is generated in it, so moving an operation between modules changes neither.
 * A new operation goes at the end; leaving one out is a type error.
 */
const ORDER = [
  'healthz',
  'readyz',
  'magicRequest',
  'magicConsume',
  'passwordLogin',
  'changePassword',
  'authMethods',
  'logout',
  'getMe',
  'updateMe',
  'setMyStatus',
  'listWorkspaces',
  'createWorkspace',
  'getWorkspace',
  'updateWorkspace',
  'transferWorkspaceOwnership',
  'workspaceDeletionPreview',
  'deleteWorkspace',
  'listMembers',
  'listChannels',
  'createChannel',
  'getChannel',
  'listMessages',
  'createMessage',
  'messageByNonce',
  'getMessage',
  'getThread',
  'createReply',
  'acceptInvite',
  'listEvents',
  'publishEphemeral',
  'eventTypes',
  'presence',
  'updateMessage',
  'deleteMessage',
  'addReaction',
  'removeReaction',
  'listReactions',
  'listPins',
  'pinMessage',
  'unpinMessage',
  'markChannelRead',
  'markChannelUnread',
  'listMentions',
  'followThread',
  'unfollowThread',
  'createDm',
  'listDms',
  'getDm',
  'closeDm',
  'openDm',
  'listDmMessages',
  'createDmMessage',
  'markDmRead',
  'markDmUnread',
  'updateChannel',
  'channelDeletionPreview',
  'deleteChannel',
  'joinChannel',
  'leaveChannel',
  'listChannelMembers',
  'addChannelMember',
  'removeChannelMember',
  'channelDirectory',
  'addWorkspaceMember',
  'updateWorkspaceMember',
  'removeWorkspaceMember',
  'moderationRoster',
  'moderateMember',
  'createInvite',
  'search',
  'createUpload',
  'downloadUpload',
  'uploadByNonce',
  'attachUpload',
  'createEventSubscription',
  'listEventSubscriptions',
  'revokeEventSubscription',
  'rotateEventSubscriptionSecret',
  'listDeliveries',
  'createBot',
  'listBots',
  'listBotTokens',
  'createBotToken',
  'listBotTokensLegacy',
  'createBotTokenLegacy',
  'revokeBotToken',
  'removeBotMembership',
  'deleteBot',
  'myBots',
  'setBotCommands',
  'createBotSetupCode',
  'claimBotSetupCode',
  'listBotCommands',
  'mattermostHook',
  'postToIncomingWebhook',
  'createIncomingWebhook',
  'listIncomingWebhooks',
  'revokeIncomingWebhook',
  'createSlashCommand',
  'listSlashCommands',
  'revokeSlashCommand',
  'rotateSlashCommandSecret',
  'invokeSlashCommand',
  'auditLog',
  'installApp',
  'listApps',
  'revokeApp',
  'getChannelNotificationSettings',
  'updateChannelNotificationSettings',
  'resolveRoute',
  'ensureMessageRoute',
  'listTopics',
  'createTopic',
  'listConnectedAccounts',
  'createConnectedAccount',
  'revokeConnectedAccount',
  'startGitHubOAuth',
  'finishGitHubOAuth',
  'startDesktopGitHubOAuth',
  'consumeDesktopGitHubOAuth',
  'listInvites',
  'revokeInvite',
  'previewInvite',
  'inviteSignup',
  'getJoinDomains',
  'setJoinDomains',
  'listJoinableWorkspaces',
  'joinWorkspace',
  'oidcStart',
  'oidcCallback',
  'listSessions',
  'revokeSessionById',
  'getEmailNotifications',
  'updateEmailNotifications',
  'deactivateMember',
] as const satisfies readonly Id[];

/** Names the operations `ORDER` lacks, so the compiler's message lists them. */
type Complete<Listed extends Id> = [Exclude<Id, Listed>] extends [never]
  ? unknown
  : { missingFromOrder: Exclude<Id, Listed> };

function inOrder<const Ids extends readonly Id[]>(
  ids: Ids & Complete<Ids[number]>,
): Pick<typeof BY_FEATURE, Ids[number]> {
  return Object.fromEntries(ids.map((id) => [id, BY_FEATURE[id]])) as Pick<
    typeof BY_FEATURE,
    Ids[number]
  >;
}

/**
 * THE route table of the HTTP API: the server registers these and OpenAPI is built from
 * them. Each feature keeps its operations, with their schemas, in `api/<feature>.ts`.
 */
export const OPERATIONS = inOrder(ORDER);

export type OperationId = keyof typeof OPERATIONS;
