-- Moderation state of a workspace member (spec model-and-auth.md §2.6): it goes with the
-- membership, so removing the member clears it.
CREATE TABLE workspace_member_moderation (
  workspace_id TEXT COLLATE "C" NOT NULL,
  user_id TEXT COLLATE "C" NOT NULL,
  timeout_until TEXT COLLATE "C",
  blocked_at TEXT COLLATE "C",
  moderation_note TEXT COLLATE "C" NOT NULL DEFAULT '',
  moderation_by TEXT COLLATE "C" REFERENCES users(id) ON DELETE SET NULL,
  moderation_at TEXT COLLATE "C" NOT NULL DEFAULT '',
  PRIMARY KEY (workspace_id, user_id),
  FOREIGN KEY (workspace_id, user_id) REFERENCES workspace_members(workspace_id, user_id)
    ON DELETE CASCADE
);
