-- Full-text search over message bodies. PostgreSQL's counterpart of the SQLite FTS5 index
-- (porter stemming, no stop words): English Snowball stems for words, every other token
-- kept as it is. The GIN index is over an expression, so `SELECT m.*` is unchanged and an
-- edit or soft delete re-indexes with the row. Soft-deleted rows have an empty body and
-- agent-activity rows are filtered out at query time.
CREATE TEXT SEARCH DICTIONARY clickclack_stem (TEMPLATE = snowball, Language = english);

CREATE TEXT SEARCH CONFIGURATION clickclack_search (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION clickclack_search
  ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
  WITH clickclack_stem;

CREATE INDEX messages_search ON messages
  USING GIN (to_tsvector('clickclack_search'::regconfig, body));
-- Matches are ranked newest first.
CREATE INDEX messages_workspace_created ON messages(workspace_id, created_at, id);
