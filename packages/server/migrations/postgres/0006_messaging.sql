-- Pins, mentions, thread follows and unread-mention counters.

CREATE TABLE pinned_messages (
  id TEXT COLLATE "C" PRIMARY KEY,
  workspace_id TEXT COLLATE "C" NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  channel_id TEXT COLLATE "C" NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
  message_id TEXT COLLATE "C" NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  pinned_by TEXT COLLATE "C" REFERENCES users(id) ON DELETE SET NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  UNIQUE (channel_id, message_id)
);
CREATE INDEX pinned_messages_channel ON pinned_messages(channel_id, created_at);

-- One row per (message, mentioned user); `seq` is the root seq the mention counts against.
CREATE TABLE mentions (
  message_id TEXT COLLATE "C" NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  workspace_id TEXT COLLATE "C" NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  channel_id TEXT COLLATE "C",
  direct_conversation_id TEXT COLLATE "C",
  seq BIGINT NOT NULL DEFAULT 0,
  kind TEXT COLLATE "C" NOT NULL CHECK (kind IN ('user', 'channel', 'here')),
  created_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (message_id, user_id)
);
CREATE INDEX mentions_user ON mentions(user_id, created_at);
CREATE INDEX mentions_user_channel ON mentions(user_id, channel_id, seq);

-- Kept in step with writes so channel lists show mention badges in O(1) per channel.
ALTER TABLE channel_reads ADD COLUMN mention_count BIGINT NOT NULL DEFAULT 0;

CREATE TABLE thread_follows (
  root_message_id TEXT COLLATE "C" NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  following BIGINT NOT NULL DEFAULT 1,
  created_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (root_message_id, user_id)
);
CREATE INDEX thread_follows_user ON thread_follows(user_id, following);
