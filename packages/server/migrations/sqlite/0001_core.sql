-- Core schema: identity, workspaces, channels, messages, threads, events.
-- Timestamps are fixed-width ISO-8601 UTC strings so text order equals time order.

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL DEFAULT 'human' CHECK (kind IN ('human', 'bot')),
  owner_user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
  display_name TEXT NOT NULL,
  handle TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  avatar_url TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  deleted_at TEXT
);
CREATE UNIQUE INDEX users_handle_unique ON users(handle) WHERE handle <> '';
CREATE UNIQUE INDEX users_email_unique ON users(email) WHERE email <> '';
CREATE INDEX users_created_at ON users(created_at, id);

CREATE TABLE identities (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  provider TEXT NOT NULL,
  provider_subject TEXT NOT NULL,
  email TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  UNIQUE (provider, provider_subject)
);
CREATE INDEX identities_user ON identities(user_id);

CREATE TABLE workspaces (
  id TEXT PRIMARY KEY,
  route_id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  slug TEXT NOT NULL UNIQUE,
  icon_url TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);

CREATE TABLE workspace_members (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('owner', 'moderator', 'member', 'bot', 'guest')),
  created_at TEXT NOT NULL,
  PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX workspace_members_user ON workspace_members(user_id, workspace_id);

CREATE TABLE channels (
  id TEXT PRIMARY KEY,
  route_id TEXT NOT NULL UNIQUE,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'public' CHECK (kind IN ('public', 'private')),
  display_title TEXT,
  external_managed INTEGER NOT NULL DEFAULT 0,
  external_ref TEXT,
  external_url TEXT,
  sidebar_section TEXT,
  created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  archived_at TEXT,
  -- Highest root seq; bumped in the insert transaction so the next seq is O(1).
  last_seq INTEGER NOT NULL DEFAULT 0,
  UNIQUE (workspace_id, name)
);

CREATE TABLE channel_members (
  channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  PRIMARY KEY (channel_id, user_id)
);
CREATE INDEX channel_members_user ON channel_members(user_id, channel_id);

CREATE TABLE channel_reads (
  channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  last_read_seq INTEGER NOT NULL DEFAULT 0,
  last_read_at TEXT NOT NULL,
  PRIMARY KEY (channel_id, user_id)
);

CREATE TABLE direct_conversations (
  id TEXT PRIMARY KEY,
  route_id TEXT NOT NULL UNIQUE,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  member_set_key TEXT,
  created_at TEXT NOT NULL,
  last_seq INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX direct_conversations_member_set ON direct_conversations(workspace_id, member_set_key)
  WHERE member_set_key IS NOT NULL;

CREATE TABLE direct_conversation_members (
  conversation_id TEXT NOT NULL REFERENCES direct_conversations(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX direct_conversation_members_user ON direct_conversation_members(user_id, conversation_id);

CREATE TABLE messages (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  channel_id TEXT REFERENCES channels(id) ON DELETE CASCADE,
  direct_conversation_id TEXT REFERENCES direct_conversations(id) ON DELETE CASCADE,
  author_id TEXT NOT NULL REFERENCES users(id),
  parent_message_id TEXT REFERENCES messages(id) ON DELETE CASCADE,
  thread_root_id TEXT NOT NULL,
  channel_seq INTEGER,
  thread_seq INTEGER,
  body TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'message',
  turn_id TEXT,
  client_nonce TEXT NOT NULL DEFAULT '',
  quoted_message_id TEXT REFERENCES messages(id) ON DELETE SET NULL,
  quoted_author_id TEXT REFERENCES users(id) ON DELETE SET NULL,
  quoted_body_snapshot TEXT,
  created_at TEXT NOT NULL,
  edited_at TEXT,
  deleted_at TEXT,
  CHECK ((channel_id IS NULL) <> (direct_conversation_id IS NULL))
);
CREATE UNIQUE INDEX messages_channel_seq ON messages(channel_id, channel_seq)
  WHERE channel_id IS NOT NULL AND channel_seq IS NOT NULL;
CREATE UNIQUE INDEX messages_dm_seq ON messages(direct_conversation_id, channel_seq)
  WHERE direct_conversation_id IS NOT NULL AND channel_seq IS NOT NULL;
CREATE UNIQUE INDEX messages_thread_seq ON messages(thread_root_id, thread_seq)
  WHERE thread_seq IS NOT NULL;
CREATE UNIQUE INDEX messages_author_nonce ON messages(author_id, client_nonce)
  WHERE client_nonce <> '';
CREATE INDEX messages_workspace_author ON messages(workspace_id, author_id);

CREATE TABLE thread_state (
  root_message_id TEXT PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
  reply_count INTEGER NOT NULL DEFAULT 0,
  last_reply_at TEXT,
  last_reply_author_ids_json TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE reactions (
  message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  emoji TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (message_id, user_id, emoji)
);

CREATE TABLE uploads (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  owner_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  client_nonce TEXT NOT NULL DEFAULT '',
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  byte_size INTEGER NOT NULL,
  storage_path TEXT NOT NULL,
  width INTEGER NOT NULL DEFAULT 0,
  height INTEGER NOT NULL DEFAULT 0,
  duration_ms INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX uploads_owner_nonce ON uploads(owner_id, client_nonce) WHERE client_nonce <> '';

CREATE TABLE message_attachments (
  message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  upload_id TEXT NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  PRIMARY KEY (message_id, upload_id)
);

CREATE TABLE auth_magic_links (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  email TEXT NOT NULL,
  display_name TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);

CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE invites (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  created_by TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  expires_at TEXT,
  accepted_at TEXT,
  accepted_by TEXT REFERENCES users(id) ON DELETE SET NULL
);

CREATE TABLE bot_tokens (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  bot_user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  owner_user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  scopes_json TEXT NOT NULL,
  created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);
CREATE INDEX bot_tokens_bot ON bot_tokens(bot_user_id);

-- The durable event log. `cursor` is strictly increasing in commit order across the
-- whole server; private events list their readers in event_recipients.
CREATE TABLE events (
  id TEXT PRIMARY KEY,
  cursor TEXT NOT NULL UNIQUE,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  channel_id TEXT,
  direct_conversation_id TEXT,
  type TEXT NOT NULL,
  seq INTEGER,
  payload_json TEXT NOT NULL,
  is_private INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);
CREATE INDEX events_workspace_cursor ON events(workspace_id, cursor);
CREATE INDEX events_created_at ON events(workspace_id, created_at);

CREATE TABLE event_recipients (
  event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  PRIMARY KEY (event_id, user_id)
);
CREATE INDEX event_recipients_user ON event_recipients(user_id, event_id);
