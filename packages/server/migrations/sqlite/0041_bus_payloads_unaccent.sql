-- The PostgreSQL realtime bus's store for messages too large for NOTIFY. SQLite runs a
-- single node and never writes it; the table exists so both schemas hold the same tables
-- (copy and export walk them). Search already folds accents here: FTS5's unicode61
-- tokenizer removes diacritics (migration 0009).
CREATE TABLE bus_payloads (
  id TEXT PRIMARY KEY,
  payload TEXT NOT NULL,
  created_at TEXT NOT NULL
);
