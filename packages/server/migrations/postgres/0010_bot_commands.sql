-- Slash-command menus bots publish for their workspace.
CREATE TABLE bot_commands (
  id TEXT COLLATE "C" PRIMARY KEY,
  workspace_id TEXT COLLATE "C" NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  bot_user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  command TEXT COLLATE "C" NOT NULL,
  description TEXT COLLATE "C" NOT NULL,
  args_hint TEXT COLLATE "C" NOT NULL DEFAULT '',
  created_at TEXT COLLATE "C" NOT NULL,
  updated_at TEXT COLLATE "C" NOT NULL,
  UNIQUE (workspace_id, bot_user_id, command)
);
CREATE INDEX bot_tokens_workspace_bot ON bot_tokens(workspace_id, bot_user_id, revoked_at);
