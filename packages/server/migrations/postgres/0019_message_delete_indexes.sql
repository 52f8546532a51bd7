-- Deleting a channel deletes its messages, and every deleted row makes the database look for
-- the rows that refer to it. Three of those lookups had no index to use and walked the whole
-- messages or pins table: the channel's messages (only roots were indexed by channel: 0.7 s
-- per deleted channel at 1M messages), quotes of each deleted message and pins of it (26 ms
-- per deleted message at 200,000 messages). The seq index now holds every message (replies
-- and DM messages under a NULL key, which unique indexes keep apart); posting a root costs
-- nothing more. Quotes are few, so only they are indexed.
DROP INDEX messages_channel_seq;
CREATE UNIQUE INDEX messages_channel_seq ON messages(channel_id, channel_seq);
CREATE INDEX messages_quoted ON messages(quoted_message_id) WHERE quoted_message_id IS NOT NULL;
CREATE INDEX pinned_messages_message ON pinned_messages(message_id);
