-- Core schema: identity, workspaces, channels, messages, threads, events.
-- Timestamps are fixed-width ISO-8601 UTC strings so text order equals time order.
-- Every TEXT column uses the "C" collation: byte order, like SQLite, so ids, cursors and
-- timestamps sort the same on both dialects. Every INTEGER is a BIGINT (SQLite integers are
-- 64-bit).

CREATE TABLE users (
  id TEXT COLLATE "C" PRIMARY KEY,
  kind TEXT COLLATE "C" NOT NULL DEFAULT 'human' CHECK (kind IN ('human', 'bot')),
  owner_user_id TEXT COLLATE "C" REFERENCES users(id) ON DELETE CASCADE,
  display_name TEXT COLLATE "C" NOT NULL,
  handle TEXT COLLATE "C" NOT NULL DEFAULT '',
  email TEXT COLLATE "C" NOT NULL DEFAULT '',
  avatar_url TEXT COLLATE "C" NOT NULL DEFAULT '',
  created_at TEXT COLLATE "C" NOT NULL,
  deleted_at TEXT COLLATE "C"
);
CREATE UNIQUE INDEX users_handle_unique ON users(handle) WHERE handle <> '';
CREATE UNIQUE INDEX users_email_unique ON users(email) WHERE email <> '';
CREATE INDEX users_created_at ON users(created_at, id);

CREATE TABLE identities (
  id TEXT COLLATE "C" PRIMARY KEY,
  user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  provider TEXT COLLATE "C" NOT NULL,
  provider_subject TEXT COLLATE "C" NOT NULL,
  email TEXT COLLATE "C" NOT NULL DEFAULT '',
  created_at TEXT COLLATE "C" NOT NULL,
  UNIQUE (provider, provider_subject)
);
CREATE INDEX identities_user ON identities(user_id);

CREATE TABLE workspaces (
  id TEXT COLLATE "C" PRIMARY KEY,
  route_id TEXT COLLATE "C" NOT NULL UNIQUE,
  name TEXT COLLATE "C" NOT NULL,
  slug TEXT COLLATE "C" NOT NULL UNIQUE,
  icon_url TEXT COLLATE "C" NOT NULL DEFAULT '',
  created_at TEXT COLLATE "C" NOT NULL
);

CREATE TABLE workspace_members (
  workspace_id TEXT COLLATE "C" NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role TEXT COLLATE "C" NOT NULL CHECK (role IN ('owner', 'moderator', 'member', 'bot', 'guest')),
  created_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX workspace_members_user ON workspace_members(user_id, workspace_id);

CREATE TABLE channels (
  id TEXT COLLATE "C" PRIMARY KEY,
  route_id TEXT COLLATE "C" NOT NULL UNIQUE,
  workspace_id TEXT COLLATE "C" NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name TEXT COLLATE "C" NOT NULL,
  kind TEXT COLLATE "C" NOT NULL DEFAULT 'public' CHECK (kind IN ('public', 'private')),
  display_title TEXT COLLATE "C",
  external_managed BIGINT NOT NULL DEFAULT 0,
  external_ref TEXT COLLATE "C",
  external_url TEXT COLLATE "C",
  sidebar_section TEXT COLLATE "C",
  created_by TEXT COLLATE "C" REFERENCES users(id) ON DELETE SET NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  archived_at TEXT COLLATE "C",
  -- Highest root seq; bumped in the insert transaction so the next seq is O(1).
  last_seq BIGINT NOT NULL DEFAULT 0,
  UNIQUE (workspace_id, name)
);

CREATE TABLE channel_members (
  channel_id TEXT COLLATE "C" NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
  user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (channel_id, user_id)
);
CREATE INDEX channel_members_user ON channel_members(user_id, channel_id);

CREATE TABLE channel_reads (
  channel_id TEXT COLLATE "C" NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
  user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  last_read_seq BIGINT NOT NULL DEFAULT 0,
  last_read_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (channel_id, user_id)
);

CREATE TABLE direct_conversations (
  id TEXT COLLATE "C" PRIMARY KEY,
  route_id TEXT COLLATE "C" NOT NULL UNIQUE,
  workspace_id TEXT COLLATE "C" NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  member_set_key TEXT COLLATE "C",
  created_at TEXT COLLATE "C" NOT NULL,
  last_seq BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX direct_conversations_member_set ON direct_conversations(workspace_id, member_set_key)
  WHERE member_set_key IS NOT NULL;

CREATE TABLE direct_conversation_members (
  conversation_id TEXT COLLATE "C" NOT NULL REFERENCES direct_conversations(id) ON DELETE CASCADE,
  user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX direct_conversation_members_user ON direct_conversation_members(user_id, conversation_id);

CREATE TABLE messages (
  id TEXT COLLATE "C" PRIMARY KEY,
  workspace_id TEXT COLLATE "C" NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  channel_id TEXT COLLATE "C" REFERENCES channels(id) ON DELETE CASCADE,
  direct_conversation_id TEXT COLLATE "C" REFERENCES direct_conversations(id) ON DELETE CASCADE,
  author_id TEXT COLLATE "C" NOT NULL REFERENCES users(id),
  parent_message_id TEXT COLLATE "C" REFERENCES messages(id) ON DELETE CASCADE,
  thread_root_id TEXT COLLATE "C" NOT NULL,
  channel_seq BIGINT,
  thread_seq BIGINT,
  body TEXT COLLATE "C" NOT NULL,
  kind TEXT COLLATE "C" NOT NULL DEFAULT 'message',
  turn_id TEXT COLLATE "C",
  client_nonce TEXT COLLATE "C" NOT NULL DEFAULT '',
  quoted_message_id TEXT COLLATE "C" REFERENCES messages(id) ON DELETE SET NULL,
  quoted_author_id TEXT COLLATE "C" REFERENCES users(id) ON DELETE SET NULL,
  quoted_body_snapshot TEXT COLLATE "C",
  created_at TEXT COLLATE "C" NOT NULL,
  edited_at TEXT COLLATE "C",
  deleted_at TEXT COLLATE "C",
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
  root_message_id TEXT COLLATE "C" PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
  reply_count BIGINT NOT NULL DEFAULT 0,
  last_reply_at TEXT COLLATE "C",
  last_reply_author_ids_json TEXT COLLATE "C" NOT NULL DEFAULT '[]'
);

CREATE TABLE reactions (
  message_id TEXT COLLATE "C" NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  emoji TEXT COLLATE "C" NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (message_id, user_id, emoji)
);

CREATE TABLE uploads (
  id TEXT COLLATE "C" PRIMARY KEY,
  workspace_id TEXT COLLATE "C" NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  owner_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  client_nonce TEXT COLLATE "C" NOT NULL DEFAULT '',
  filename TEXT COLLATE "C" NOT NULL,
  content_type TEXT COLLATE "C" NOT NULL,
  byte_size BIGINT NOT NULL,
  storage_path TEXT COLLATE "C" NOT NULL,
  width BIGINT NOT NULL DEFAULT 0,
  height BIGINT NOT NULL DEFAULT 0,
  duration_ms BIGINT NOT NULL DEFAULT 0,
  created_at TEXT COLLATE "C" NOT NULL
);
CREATE UNIQUE INDEX uploads_owner_nonce ON uploads(owner_id, client_nonce) WHERE client_nonce <> '';

CREATE TABLE message_attachments (
  message_id TEXT COLLATE "C" NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  upload_id TEXT COLLATE "C" NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
  created_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (message_id, upload_id)
);

CREATE TABLE auth_magic_links (
  id TEXT COLLATE "C" PRIMARY KEY,
  token_hash TEXT COLLATE "C" NOT NULL UNIQUE,
  email TEXT COLLATE "C" NOT NULL,
  display_name TEXT COLLATE "C" NOT NULL DEFAULT '',
  created_at TEXT COLLATE "C" NOT NULL,
  expires_at TEXT COLLATE "C" NOT NULL,
  used_at TEXT COLLATE "C"
);

CREATE TABLE sessions (
  id TEXT COLLATE "C" PRIMARY KEY,
  token_hash TEXT COLLATE "C" NOT NULL UNIQUE,
  user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at TEXT COLLATE "C" NOT NULL,
  expires_at TEXT COLLATE "C" NOT NULL,
  revoked_at TEXT COLLATE "C"
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE invites (
  id TEXT COLLATE "C" PRIMARY KEY,
  workspace_id TEXT COLLATE "C" NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  token_hash TEXT COLLATE "C" NOT NULL UNIQUE,
  created_by TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at TEXT COLLATE "C" NOT NULL,
  expires_at TEXT COLLATE "C",
  accepted_at TEXT COLLATE "C",
  accepted_by TEXT COLLATE "C" REFERENCES users(id) ON DELETE SET NULL
);

CREATE TABLE bot_tokens (
  id TEXT COLLATE "C" PRIMARY KEY,
  token_hash TEXT COLLATE "C" NOT NULL UNIQUE,
  bot_user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  workspace_id TEXT COLLATE "C" NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  owner_user_id TEXT COLLATE "C" REFERENCES users(id) ON DELETE CASCADE,
  name TEXT COLLATE "C" NOT NULL,
  scopes_json TEXT COLLATE "C" NOT NULL,
  created_by TEXT COLLATE "C" REFERENCES users(id) ON DELETE SET NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  last_used_at TEXT COLLATE "C",
  revoked_at TEXT COLLATE "C"
);
CREATE INDEX bot_tokens_bot ON bot_tokens(bot_user_id);

-- The durable event log. `cursor` is strictly increasing in commit order across the
-- whole server; private events list their readers in event_recipients.
CREATE TABLE events (
  id TEXT COLLATE "C" PRIMARY KEY,
  cursor TEXT COLLATE "C" NOT NULL UNIQUE,
  workspace_id TEXT COLLATE "C" NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  channel_id TEXT COLLATE "C",
  direct_conversation_id TEXT COLLATE "C",
  type TEXT COLLATE "C" NOT NULL,
  seq BIGINT,
  payload_json TEXT COLLATE "C" NOT NULL,
  is_private BIGINT NOT NULL DEFAULT 0,
  created_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX events_workspace_cursor ON events(workspace_id, cursor);
CREATE INDEX events_created_at ON events(workspace_id, created_at);

CREATE TABLE event_recipients (
  event_id TEXT COLLATE "C" NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  user_id TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (event_id, user_id)
);
CREATE INDEX event_recipients_user ON event_recipients(user_id, event_id);
