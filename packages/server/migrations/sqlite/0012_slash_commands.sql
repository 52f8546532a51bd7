-- Slash commands registered by integrations, and the log of their invocations.
CREATE TABLE slash_commands (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  app_installation_id TEXT,
  command TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  callback_url TEXT NOT NULL,
  signing_secret TEXT NOT NULL,
  bot_user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE UNIQUE INDEX slash_commands_active ON slash_commands(workspace_id, command) WHERE revoked_at IS NULL;

CREATE TABLE slash_command_invocations (
  id TEXT PRIMARY KEY,
  command_id TEXT NOT NULL REFERENCES slash_commands(id) ON DELETE CASCADE,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  channel_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  text TEXT NOT NULL,
  payload_json TEXT NOT NULL,
  response_status INTEGER NOT NULL DEFAULT 0,
  response_body TEXT NOT NULL DEFAULT '',
  error TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  completed_at TEXT
);
