-- Secret-URL incoming webhooks (Mattermost-compatible) and per-message display overrides.
CREATE TABLE incoming_webhooks (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
  bot_user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  key_hash TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  allow_override INTEGER NOT NULL DEFAULT 0,
  created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);
CREATE INDEX incoming_webhooks_workspace ON incoming_webhooks(workspace_id, created_at);

ALTER TABLE messages ADD COLUMN override_username TEXT;
ALTER TABLE messages ADD COLUMN override_icon_url TEXT;
