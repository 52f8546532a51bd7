import type { Generated } from 'kysely';

/** Row shapes of the database, as Kysely sees them. */
export interface UsersTable {
  id: string;
  kind: 'human' | 'bot';
  owner_user_id: string | null;
  display_name: string;
  handle: string;
  email: string;
  avatar_url: string;
  created_at: string;
  deleted_at: string | null;
  /** The handle a deleted bot had (its own was cleared for reuse). */
  former_handle: string | null;
  deleted_by: string | null;
  /** A deactivated human: signed out everywhere, sign-in refused, messages kept. */
  deactivated_at: Generated<string | null>;
  /** A status (issue 32): '' for none; shown until status_expires_at when that is set. */
  status_emoji: Generated<string>;
  status_text: Generated<string>;
  status_expires_at: Generated<string | null>;
}
export interface IdentitiesTable {
  id: string;
  user_id: string;
  provider: string;
  provider_subject: string;
  email: string;
  created_at: string;
}
export interface WorkspacesTable {
  id: string;
  route_id: string;
  name: string;
  slug: string;
  icon_url: string;
  created_at: string;
}
export interface WorkspaceMembersTable {
  workspace_id: string;
  user_id: string;
  role: 'owner' | 'moderator' | 'member' | 'bot' | 'guest';
  created_at: string;
}
export interface WorkspaceMemberModerationTable {
  workspace_id: string;
  user_id: string;
  timeout_until: string | null;
  blocked_at: string | null;
  moderation_note: string;
  moderation_by: string | null;
  moderation_at: string;
}
export interface ChannelsTable {
  id: string;
  route_id: string;
  workspace_id: string;
  name: string;
  kind: 'public' | 'private';
  display_title: string | null;
  external_managed: Generated<number>;
  external_ref: string | null;
  external_url: string | null;
  sidebar_section: string | null;
  created_by: string | null;
  created_at: string;
  archived_at: string | null;
  last_seq: Generated<number>;
  topic: Generated<string>;
  purpose: Generated<string>;
}
export interface ChannelMembersTable {
  channel_id: string;
  user_id: string;
  created_at: string;
}
export interface ChannelReadsTable {
  channel_id: string;
  user_id: string;
  last_read_seq: number;
  last_read_at: string;
  mention_count: Generated<number>;
}
export interface DirectConversationsTable {
  id: string;
  route_id: string;
  workspace_id: string;
  member_set_key: string | null;
  created_at: string;
  last_seq: Generated<number>;
}
export interface DirectConversationMembersTable {
  conversation_id: string;
  user_id: string;
  created_at: string;
}
export interface MessagesTable {
  id: string;
  workspace_id: string;
  channel_id: string | null;
  direct_conversation_id: string | null;
  author_id: string;
  parent_message_id: string | null;
  thread_root_id: string;
  channel_seq: number | null;
  thread_seq: number | null;
  body: string;
  kind: string;
  turn_id: string | null;
  client_nonce: string;
  quoted_message_id: string | null;
  quoted_author_id: string | null;
  quoted_body_snapshot: string | null;
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
  override_username: string | null;
  override_icon_url: string | null;
}
export interface ThreadStateTable {
  root_message_id: string;
  reply_count: number;
  last_reply_at: string | null;
  last_reply_author_ids_json: string;
}
export interface ReactionsTable {
  message_id: string;
  user_id: string;
  emoji: string;
  created_at: string;
}
export interface UploadsTable {
  id: string;
  workspace_id: string;
  owner_id: string;
  client_nonce: string;
  filename: string;
  content_type: string;
  byte_size: number;
  storage_path: string;
  width: number;
  height: number;
  duration_ms: number;
  created_at: string;
}
export interface MessageAttachmentsTable {
  message_id: string;
  upload_id: string;
  created_at: string;
}
export interface MagicLinksTable {
  id: string;
  token_hash: string;
  email: string;
  display_name: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  /** The short code mailed with the link (hashed); '' for links minted without one. */
  code_hash: Generated<string>;
  code_attempts: Generated<number>;
}
export interface SessionsTable {
  id: string;
  token_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  user_agent: Generated<string>;
  last_seen_at: Generated<string | null>;
}
/** One argon2id PHC string per user with a local password. */
export interface UserPasswordsTable {
  user_id: string;
  password_hash: string;
  created_at: string;
  updated_at: string;
}
export interface InvitesTable {
  id: string;
  workspace_id: string;
  token_hash: string;
  created_by: string;
  created_at: string;
  expires_at: string | null;
  accepted_at: string | null;
  accepted_by: string | null;
  /** 0: no limit. */
  max_uses: Generated<number>;
  uses: Generated<number>;
  revoked_at: Generated<string | null>;
}
export interface WorkspaceJoinDomainsTable {
  workspace_id: string;
  domain: string;
  created_at: string;
}
export interface OidcLoginsTable {
  state_hash: string;
  nonce: string;
  code_verifier: string;
  invite_token_hash: string;
  created_at: string;
  expires_at: string;
}
export interface BotTokensTable {
  id: string;
  token_hash: string;
  bot_user_id: string;
  workspace_id: string;
  owner_user_id: string | null;
  name: string;
  scopes_json: string;
  created_by: string | null;
  /** A creator's retry key ('' for none): unique per created_by (migration 0023). */
  setup_nonce: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}
export interface EventsTable {
  id: string;
  cursor: string;
  workspace_id: string;
  channel_id: string | null;
  direct_conversation_id: string | null;
  type: string;
  seq: number | null;
  payload_json: string;
  is_private: number;
  created_at: string;
  /** JSON array of the user ids the message's @handle mentions resolved to; NULL if none. */
  mentioned_user_ids: string | null;
}
export interface MessageRoutesTable {
  message_id: string;
  workspace_id: string;
  route_id: string;
  created_at: string;
}
export interface ChannelNotificationSettingsTable {
  channel_id: string;
  user_id: string;
  preference: string;
  updated_at: string;
}
export interface EmailNotificationSettingsTable {
  user_id: string;
  enabled: number;
  delay_seconds: number | null;
  updated_at: string;
}
export interface EmailNotifyStateTable {
  id: number;
  cursor: string;
  signing_secret: string;
}
export interface EmailNotificationsTable {
  id: string;
  user_id: string;
  workspace_id: string;
  message_id: string;
  reason: 'mention' | 'dm' | 'reply';
  state: Generated<'pending' | 'sent' | 'skipped' | 'failed'>;
  attempts: Generated<number>;
  due_at: string;
  lease_until: string | null;
  created_at: string;
  completed_at: string | null;
}
export interface EventRecipientsTable {
  event_id: string;
  user_id: string;
}
export interface SchemaMigrationsTable {
  name: string;
  applied_at: Generated<string>;
}

export interface EventSubscriptionsTable {
  id: string;
  workspace_id: string;
  app_installation_id: string | null;
  event_types_json: string;
  callback_url: string;
  signing_secret: string;
  created_by: string | null;
  created_at: string;
  revoked_at: string | null;
  status: Generated<'active' | 'failing'>;
  consecutive_failures: Generated<number>;
  last_success_at: string | null;
  last_failure_at: string | null;
}
export interface EventDeliveriesTable {
  id: string;
  subscription_id: string;
  event_id: string;
  workspace_id: string;
  event_type: string;
  request_json: string;
  state: Generated<'pending' | 'delivered' | 'failed'>;
  attempts: Generated<number>;
  next_attempt_at: string;
  created_at: string;
  completed_at: string | null;
}
export interface EventDeliveryAttemptsTable {
  id: string;
  delivery_id: string;
  subscription_id: string;
  event_id: string;
  workspace_id: string;
  event_type: string;
  attempt: number;
  request_json: string;
  response_status: number;
  response_body: string;
  error: string;
  created_at: string;
  completed_at: string;
}
export interface AuditLogEntriesTable {
  id: string;
  workspace_id: string;
  actor_user_id: string | null;
  action: string;
  target_type: string;
  target_id: string;
  metadata_json: string;
  created_at: string;
}
export interface EventDispatchStateTable {
  id: number;
  cursor: string;
}

/** migration 0038: the cursor frontier a deletion of events must not lower (one row). */
export interface EventCursorFloorTable {
  id: number;
  cursor: string;
}

/** A realtime bus message too large for NOTIFY (PostgreSQL only; realtime/pg-bus.ts). */
export interface BusPayloadsTable {
  id: string;
  payload: string;
  created_at: string;
}

/** PostgreSQL only (migration 0039): what cursors add to transaction ids. */
export interface EventCursorBaseTable {
  id: number;
  base: number;
}

export interface PinnedMessagesTable {
  id: string;
  workspace_id: string;
  channel_id: string;
  message_id: string;
  pinned_by: string | null;
  created_at: string;
}
export interface MentionsTable {
  message_id: string;
  user_id: string;
  workspace_id: string;
  channel_id: string | null;
  direct_conversation_id: string | null;
  seq: number;
  kind: 'user' | 'channel' | 'here';
  created_at: string;
}
export interface ThreadFollowsTable {
  root_message_id: string;
  user_id: string;
  following: number;
  created_at: string;
}

export interface DirectConversationHiddenTable {
  conversation_id: string;
  user_id: string;
  hidden_at: string;
}
export interface DirectReadsTable {
  conversation_id: string;
  user_id: string;
  last_read_seq: number;
  last_read_at: string;
}

export interface BotCommandsTable {
  id: string;
  workspace_id: string;
  bot_user_id: string;
  command: string;
  description: string;
  args_hint: string;
  created_at: string;
  updated_at: string;
}

/** One-time codes an agent exchanges for a bot token; only the code's SHA-256 is kept. */
export interface BotSetupCodesTable {
  id: string;
  code_hash: string;
  bot_user_id: string;
  workspace_id: string;
  name: string;
  scopes_json: string;
  defaults_json: string;
  created_by: string | null;
  created_at: string;
  expires_at: string;
  claimed_at: string | null;
  claimed_token_id: string | null;
}

export interface RateWindowsTable {
  key: string;
  window_start_ms: number;
  count: number;
}

export interface IncomingWebhooksTable {
  id: string;
  workspace_id: string;
  channel_id: string;
  bot_user_id: string;
  key_hash: string;
  display_name: string;
  allow_override: number;
  created_by: string | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface SlashCommandsTable {
  id: string;
  workspace_id: string;
  app_installation_id: string | null;
  command: string;
  description: string;
  callback_url: string;
  signing_secret: string;
  bot_user_id: string;
  created_by: string | null;
  created_at: string;
  revoked_at: string | null;
}
export interface SlashInvocationsTable {
  id: string;
  command_id: string;
  workspace_id: string;
  channel_id: string;
  user_id: string;
  text: string;
  payload_json: string;
  response_status: number;
  response_body: string;
  error: string;
  created_at: string;
  completed_at: string | null;
}

export interface AppInstallationsTable {
  id: string;
  workspace_id: string;
  app_slug: string;
  display_name: string;
  bot_user_id: string;
  config_json: string;
  created_by: string | null;
  /** A creator's retry key ('' for none): unique per created_by (migration 0023). */
  setup_nonce: string;
  created_at: string;
  revoked_at: string | null;
}
/** What an import brought in, by the id its export gave it (migration 0035). */
export interface ImportSourcesTable {
  origin: string;
  kind: string;
  source_id: string;
  target_id: string;
}

export interface DB {
  users: UsersTable;
  identities: IdentitiesTable;
  workspaces: WorkspacesTable;
  workspace_members: WorkspaceMembersTable;
  workspace_member_moderation: WorkspaceMemberModerationTable;
  channels: ChannelsTable;
  channel_members: ChannelMembersTable;
  channel_reads: ChannelReadsTable;
  direct_conversations: DirectConversationsTable;
  direct_conversation_members: DirectConversationMembersTable;
  messages: MessagesTable;
  thread_state: ThreadStateTable;
  reactions: ReactionsTable;
  uploads: UploadsTable;
  message_attachments: MessageAttachmentsTable;
  auth_magic_links: MagicLinksTable;
  sessions: SessionsTable;
  user_passwords: UserPasswordsTable;
  invites: InvitesTable;
  oidc_logins: OidcLoginsTable;
  workspace_join_domains: WorkspaceJoinDomainsTable;
  bot_tokens: BotTokensTable;
  events: EventsTable;
  event_recipients: EventRecipientsTable;
  message_routes: MessageRoutesTable;
  channel_notification_settings: ChannelNotificationSettingsTable;
  email_notification_settings: EmailNotificationSettingsTable;
  email_notify_state: EmailNotifyStateTable;
  email_notifications: EmailNotificationsTable;
  schema_migrations: SchemaMigrationsTable;
  event_subscriptions: EventSubscriptionsTable;
  event_deliveries: EventDeliveriesTable;
  event_delivery_attempts: EventDeliveryAttemptsTable;
  event_dispatch_state: EventDispatchStateTable;
  event_cursor_floor: EventCursorFloorTable;
  bus_payloads: BusPayloadsTable;
  event_cursor_base: EventCursorBaseTable;
  audit_log_entries: AuditLogEntriesTable;
  pinned_messages: PinnedMessagesTable;
  mentions: MentionsTable;
  thread_follows: ThreadFollowsTable;
  direct_conversation_hidden: DirectConversationHiddenTable;
  direct_reads: DirectReadsTable;
  bot_commands: BotCommandsTable;
  bot_setup_codes: BotSetupCodesTable;
  incoming_webhooks: IncomingWebhooksTable;
  rate_windows: RateWindowsTable;
  slash_commands: SlashCommandsTable;
  slash_command_invocations: SlashInvocationsTable;
  app_installations: AppInstallationsTable;
  import_sources: ImportSourcesTable;
}
