-- Issue 31 (`clickclack import`): what an import has already brought in, keyed by the id the
-- source gave it (a Slack user id, a channel's id, a message's channel and ts, …), so a
-- re-run adds nothing and a killed run completes without duplicates. `origin` names the
-- export's world (`slack:<workspace id>`, `mattermost`); `kind` the sort of thing.
CREATE TABLE import_sources (
  origin TEXT NOT NULL,
  kind TEXT NOT NULL,
  source_id TEXT NOT NULL,
  target_id TEXT NOT NULL,
  PRIMARY KEY (origin, kind, source_id)
);

-- An import inserts messages unnumbered (channel_seq and thread_seq NULL) and numbers each
-- conversation in time order once its messages are in, whatever order the export held them
-- in. Only such rows match these indexes (every other root has a channel_seq, every other
-- reply a thread_seq), so they are empty outside an import and a re-run after a kill finds
-- what is left to number at once.
CREATE INDEX messages_unnumbered_channel ON messages(channel_id)
  WHERE channel_seq IS NULL AND thread_seq IS NULL;
CREATE INDEX messages_unnumbered_dm ON messages(direct_conversation_id)
  WHERE channel_seq IS NULL AND thread_seq IS NULL;
