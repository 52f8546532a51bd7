-- Invite links, single sign-on and self-join by email domain (issue 28).
-- An invite is now a link that may be used `max_uses` times (0: no limit) until it expires
-- or is revoked; `uses` counts the people who joined through it. accepted_at/accepted_by
-- keep naming the first of them, as before.
ALTER TABLE invites ADD COLUMN max_uses BIGINT NOT NULL DEFAULT 1;
ALTER TABLE invites ADD COLUMN uses BIGINT NOT NULL DEFAULT 0;
ALTER TABLE invites ADD COLUMN revoked_at TEXT COLLATE "C";
UPDATE invites SET uses = 1 WHERE accepted_at IS NOT NULL;

-- One OpenID Connect sign-in between its redirect to the provider and the callback: the
-- PKCE verifier and nonce the callback checks, found by the hash of `state` (which the
-- browser also holds in a cookie), and the invite it came through. Used once, short-lived.
CREATE TABLE oidc_logins (
  state_hash TEXT COLLATE "C" PRIMARY KEY,
  nonce TEXT COLLATE "C" NOT NULL,
  code_verifier TEXT COLLATE "C" NOT NULL,
  invite_token_hash TEXT COLLATE "C" NOT NULL DEFAULT '',
  created_at TEXT COLLATE "C" NOT NULL,
  expires_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX oidc_logins_expires ON oidc_logins(expires_at);

-- Email domains whose people may join a workspace on their own (without an invite): a
-- signed-in person whose address (verified by a magic link, single sign-on, or an admin)
-- is at one of them. The domain index finds a newcomer's workspaces at sign-in.
CREATE TABLE workspace_join_domains (
  workspace_id TEXT COLLATE "C" NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  domain TEXT COLLATE "C" NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (workspace_id, domain)
);
CREATE INDEX workspace_join_domains_domain ON workspace_join_domains(domain);
