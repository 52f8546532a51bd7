-- Per-user DM state: closed ("hidden") conversations and read pointers.

CREATE TABLE direct_conversation_hidden (
  conversation_id TEXT COLLATE "C" NOT NULL REFERENCES direct_conversations(id) ON DELETE CASCADE,
  user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  hidden_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (conversation_id, user_id)
);

CREATE TABLE direct_reads (
  conversation_id TEXT COLLATE "C" NOT NULL REFERENCES direct_conversations(id) ON DELETE CASCADE,
  user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  last_read_seq BIGINT NOT NULL DEFAULT 0,
  last_read_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (conversation_id, user_id)
);
