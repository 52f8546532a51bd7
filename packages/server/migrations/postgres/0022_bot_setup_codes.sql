-- Bot setup codes (spec realtime-bots-integrations.md §2.6): a manager issues a short one-time
-- code, an agent exchanges it for a bot token. Only the SHA-256 of the code is kept; a claim
-- finds its row by that hash, hence UNIQUE. claimed_token_id names the token the claim minted
-- (no foreign key: tokens are revoked, never deleted, except with their bot, which takes the
-- code with it).
CREATE TABLE bot_setup_codes (
  id TEXT COLLATE "C" PRIMARY KEY,
  code_hash TEXT COLLATE "C" NOT NULL UNIQUE,
  bot_user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  workspace_id TEXT COLLATE "C" NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name TEXT COLLATE "C" NOT NULL,
  scopes_json TEXT COLLATE "C" NOT NULL,
  defaults_json TEXT COLLATE "C" NOT NULL DEFAULT '{}',
  created_by TEXT COLLATE "C" REFERENCES users(id) ON DELETE SET NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  expires_at TEXT COLLATE "C" NOT NULL,
  claimed_at TEXT COLLATE "C",
  claimed_token_id TEXT COLLATE "C"
);
-- Deleting a bot or a workspace cascades here: each finds its codes through these.
CREATE INDEX bot_setup_codes_bot ON bot_setup_codes(bot_user_id);
CREATE INDEX bot_setup_codes_workspace ON bot_setup_codes(workspace_id);
