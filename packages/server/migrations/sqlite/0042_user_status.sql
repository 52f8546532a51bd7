-- Issue 32: a person's status (an emoji and a short text, as in Slack), optionally until a
-- time; past it the status is no longer shown (expiry is applied where a user is presented).
ALTER TABLE users ADD COLUMN status_emoji TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN status_text TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN status_expires_at TEXT;
