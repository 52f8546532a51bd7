-- setup_nonce (spec realtime-bots-integrations.md §2.4, §3.1): a caller's retry key for bot
-- create, token create and app install. A repeat with the same input finds its first row
-- here instead of making a second; '' (no nonce) never matches. Unique per creator, so two
-- racing repeats cannot both insert.
ALTER TABLE bot_tokens ADD COLUMN setup_nonce TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX bot_tokens_setup_nonce ON bot_tokens(created_by, setup_nonce)
  WHERE setup_nonce <> '';

ALTER TABLE app_installations ADD COLUMN setup_nonce TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX app_installations_setup_nonce ON app_installations(created_by, setup_nonce)
  WHERE setup_nonce <> '';
