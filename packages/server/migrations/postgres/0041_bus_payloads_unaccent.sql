-- Realtime bus messages too large for NOTIFY (PostgreSQL refuses 8,000 bytes or more): the
-- sending node stores the message here and notifies only its id; the other nodes read it
-- back. Rows are only needed for the moment the notification takes to arrive, so senders
-- delete rows older than a minute.
CREATE TABLE bus_payloads (
  id TEXT COLLATE "C" PRIMARY KEY,
  payload TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX bus_payloads_created ON bus_payloads(created_at);

-- Accent-insensitive search, as SQLite's FTS5 (unicode61 removes diacritics): "cafe" finds
-- "café" and the reverse. unaccent is a filtering dictionary: mapped before the stemmer,
-- words lose their accents before they are stemmed, so documents, queries
-- (phraseto_tsquery) and highlights (ts_headline) all fold through the same configuration
-- and the index expression stays the same. ASCII-only token types have nothing to fold.
CREATE EXTENSION IF NOT EXISTS unaccent;
ALTER TEXT SEARCH CONFIGURATION clickclack_search
  ALTER MAPPING FOR word, hword, hword_part WITH unaccent, clickclack_stem;
ALTER TEXT SEARCH CONFIGURATION clickclack_search
  ALTER MAPPING FOR numword, numhword, hword_numpart WITH unaccent, simple;
-- The index holds the vectors of the old configuration: rebuild it from the stored bodies.
REINDEX INDEX messages_search;
