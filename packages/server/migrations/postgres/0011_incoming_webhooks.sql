-- Secret-URL incoming webhooks (Mattermost-compatible) and per-message display overrides.
CREATE TABLE incoming_webhooks (
  id TEXT COLLATE "C" PRIMARY KEY,
  workspace_id TEXT COLLATE "C" NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  channel_id TEXT COLLATE "C" NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
  bot_user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  key_hash TEXT COLLATE "C" NOT NULL UNIQUE,
  display_name TEXT COLLATE "C" NOT NULL,
  allow_override BIGINT NOT NULL DEFAULT 0,
  created_by TEXT COLLATE "C" REFERENCES users(id) ON DELETE SET NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  last_used_at TEXT COLLATE "C",
  revoked_at TEXT COLLATE "C"
);
CREATE INDEX incoming_webhooks_workspace ON incoming_webhooks(workspace_id, created_at);

ALTER TABLE messages ADD COLUMN override_username TEXT COLLATE "C";
ALTER TABLE messages ADD COLUMN override_icon_url TEXT COLLATE "C";
