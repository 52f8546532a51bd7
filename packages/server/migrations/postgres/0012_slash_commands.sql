-- Slash commands registered by integrations, and the log of their invocations.
CREATE TABLE slash_commands (
  id TEXT COLLATE "C" PRIMARY KEY,
  workspace_id TEXT COLLATE "C" NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  app_installation_id TEXT COLLATE "C",
  command TEXT COLLATE "C" NOT NULL,
  description TEXT COLLATE "C" NOT NULL DEFAULT '',
  callback_url TEXT COLLATE "C" NOT NULL,
  signing_secret TEXT COLLATE "C" NOT NULL,
  bot_user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_by TEXT COLLATE "C" REFERENCES users(id) ON DELETE SET NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  revoked_at TEXT COLLATE "C"
);
CREATE UNIQUE INDEX slash_commands_active ON slash_commands(workspace_id, command) WHERE revoked_at IS NULL;

CREATE TABLE slash_command_invocations (
  id TEXT COLLATE "C" PRIMARY KEY,
  command_id TEXT COLLATE "C" NOT NULL REFERENCES slash_commands(id) ON DELETE CASCADE,
  workspace_id TEXT COLLATE "C" NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  channel_id TEXT COLLATE "C" NOT NULL,
  user_id TEXT COLLATE "C" NOT NULL,
  text TEXT COLLATE "C" NOT NULL,
  payload_json TEXT COLLATE "C" NOT NULL,
  response_status BIGINT NOT NULL DEFAULT 0,
  response_body TEXT COLLATE "C" NOT NULL DEFAULT '',
  error TEXT COLLATE "C" NOT NULL DEFAULT '',
  created_at TEXT COLLATE "C" NOT NULL,
  completed_at TEXT COLLATE "C"
);
