-- Issue 28: email sign-in, sessions a user can see, account deactivation, email when away.

-- A magic link mailed by the server also carries a short code a CLI user types with the
-- address; only its hash is kept, and wrong guesses burn the link (code_attempts).
ALTER TABLE auth_magic_links ADD COLUMN code_hash TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE auth_magic_links ADD COLUMN code_attempts BIGINT NOT NULL DEFAULT 0;
CREATE INDEX auth_magic_links_email ON auth_magic_links(email, created_at);

-- What a session list shows: the client that opened it and when it was last used.
ALTER TABLE sessions ADD COLUMN user_agent TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT COLLATE "C";

-- A deactivated human keeps their row and messages but can no longer sign in.
ALTER TABLE users ADD COLUMN deactivated_at TEXT COLLATE "C";

-- Email when away, per user: no row = the defaults (on for humans, off for bots).
CREATE TABLE email_notification_settings (
  user_id TEXT COLLATE "C" PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  enabled BIGINT NOT NULL,
  -- NULL: the server's delay (serve --email-notify-delay).
  delay_seconds BIGINT,
  updated_at TEXT COLLATE "C" NOT NULL
);

-- Where the notifier has read the event log up to, and the key unsubscribe links are signed with.
CREATE TABLE email_notify_state (
  id BIGINT PRIMARY KEY CHECK (id = 1),
  cursor TEXT COLLATE "C" NOT NULL,
  signing_secret TEXT COLLATE "C" NOT NULL
);

-- One row per (recipient, message) that may be mailed; sent in one batch per recipient.
CREATE TABLE email_notifications (
  id TEXT COLLATE "C" PRIMARY KEY,
  user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  workspace_id TEXT COLLATE "C" NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  message_id TEXT COLLATE "C" NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  reason TEXT COLLATE "C" NOT NULL CHECK (reason IN ('mention', 'dm', 'reply')),
  state TEXT COLLATE "C" NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'skipped', 'failed')),
  attempts BIGINT NOT NULL DEFAULT 0,
  due_at TEXT COLLATE "C" NOT NULL,
  lease_until TEXT COLLATE "C",
  created_at TEXT COLLATE "C" NOT NULL,
  completed_at TEXT COLLATE "C",
  UNIQUE (user_id, message_id)
);
CREATE INDEX email_notifications_due ON email_notifications(state, due_at);
CREATE INDEX email_notifications_message ON email_notifications(message_id);
CREATE INDEX email_notifications_workspace ON email_notifications(workspace_id);
