-- Lookups that had no index to use, found by running EXPLAIN over every statement the test
-- suite executes. Download access checks and the orphan-upload sweep find attachments by
-- upload (the primary key leads with the message); the sweep also walks old uploads by age;
-- a user's own bots are found by owner.
CREATE INDEX message_attachments_upload ON message_attachments(upload_id);
CREATE INDEX uploads_created_at ON uploads(created_at);
CREATE INDEX users_owner ON users(owner_user_id) WHERE owner_user_id IS NOT NULL;
