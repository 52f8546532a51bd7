-- Named apps installed into a workspace, acting through a bot user.
CREATE TABLE app_installations (
  id TEXT COLLATE "C" PRIMARY KEY,
  workspace_id TEXT COLLATE "C" NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  app_slug TEXT COLLATE "C" NOT NULL,
  display_name TEXT COLLATE "C" NOT NULL,
  bot_user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  config_json TEXT COLLATE "C" NOT NULL DEFAULT '{}',
  created_by TEXT COLLATE "C" REFERENCES users(id) ON DELETE SET NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  revoked_at TEXT COLLATE "C"
);
CREATE INDEX app_installations_workspace ON app_installations(workspace_id, app_slug, created_at);
