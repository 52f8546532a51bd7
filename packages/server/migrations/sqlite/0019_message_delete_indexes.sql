-- Deleting a channel deletes its messages, and every deleted message makes the database
-- look for the rows that refer to it. Two of those lookups had no index to use and walked
-- the whole table once per deleted message (26 ms a message at 200,000 messages): quotes of
-- it (quoted_message_id) and pins of it (the pins' unique key leads with the channel).
-- Quotes are few, so only they are indexed.
CREATE INDEX messages_quoted ON messages(quoted_message_id) WHERE quoted_message_id IS NOT NULL;
CREATE INDEX pinned_messages_message ON pinned_messages(message_id);
