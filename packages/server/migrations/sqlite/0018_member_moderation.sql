-- Moderation state of a workspace member (spec model-and-auth.md §2.6): it goes with the
-- membership, so removing the member clears it.
CREATE TABLE workspace_member_moderation (
  workspace_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  timeout_until TEXT,
  blocked_at TEXT,
  moderation_note TEXT NOT NULL DEFAULT '',
  moderation_by TEXT REFERENCES users(id) ON DELETE SET NULL,
  moderation_at TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (workspace_id, user_id),
  FOREIGN KEY (workspace_id, user_id) REFERENCES workspace_members(workspace_id, user_id)
    ON DELETE CASCADE
);
