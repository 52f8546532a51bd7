-- Local passwords (spec model-and-auth.md §2.10 user_passwords): one argon2id PHC string per
-- user, never the password. The user id is the key, so sign-in reads it by primary key.
CREATE TABLE user_passwords (
  user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
