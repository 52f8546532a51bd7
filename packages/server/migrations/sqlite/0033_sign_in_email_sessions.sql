-- Issue 28: email sign-in, sessions a user can see, account deactivation, email when away.

-- A magic link mailed by the server also carries a short code a CLI user types with the
-- address; only its hash is kept, and wrong guesses burn the link (code_attempts).
ALTER TABLE auth_magic_links ADD COLUMN code_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE auth_magic_links ADD COLUMN code_attempts INTEGER NOT NULL DEFAULT 0;
CREATE INDEX auth_magic_links_email ON auth_magic_links(email, created_at);

-- What a session list shows: the client that opened it and when it was last used.
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT;

-- A deactivated human keeps their row and messages but can no longer sign in.
ALTER TABLE users ADD COLUMN deactivated_at TEXT;

-- Email when away, per user: no row = the defaults (on for humans, off for bots).
CREATE TABLE email_notification_settings (
  user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  enabled INTEGER NOT NULL,
  -- NULL: the server's delay (serve --email-notify-delay).
  delay_seconds INTEGER,
  updated_at TEXT NOT NULL
);

-- Where the notifier has read the event log up to, and the key unsubscribe links are signed with.
CREATE TABLE email_notify_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  cursor TEXT NOT NULL,
  signing_secret TEXT NOT NULL
);

-- One row per (recipient, message) that may be mailed; sent in one batch per recipient.
CREATE TABLE email_notifications (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  reason TEXT NOT NULL CHECK (reason IN ('mention', 'dm', 'reply')),
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'skipped', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  due_at TEXT NOT NULL,
  lease_until TEXT,
  created_at TEXT NOT NULL,
  completed_at TEXT,
  UNIQUE (user_id, message_id)
);
CREATE INDEX email_notifications_due ON email_notifications(state, due_at);
CREATE INDEX email_notifications_message ON email_notifications(message_id);
CREATE INDEX email_notifications_workspace ON email_notifications(workspace_id);
