-- Deleting a workspace deletes every row that refers to it, and each deleted row makes the
-- database look up the rows that refer to that one. These references had no index leading
-- with them, so each lookup walked its whole table: the messages of every deleted DM, the
-- attempts of every deleted delivery, the webhooks of every deleted channel, the
-- invocations of every deleted slash command, and once per workspace its uploads, DMs,
-- invites, pins, mentions and slash commands. The DM seq index now also holds DM thread
-- replies (NULL seq, which a unique index keeps apart), so it serves the DM lookup too.
DROP INDEX messages_dm_seq;
CREATE UNIQUE INDEX messages_dm_seq ON messages(direct_conversation_id, channel_seq)
  WHERE direct_conversation_id IS NOT NULL;
CREATE INDEX direct_conversations_workspace ON direct_conversations(workspace_id);
CREATE INDEX uploads_workspace ON uploads(workspace_id);
CREATE INDEX invites_workspace ON invites(workspace_id);
CREATE INDEX pinned_messages_workspace ON pinned_messages(workspace_id);
CREATE INDEX mentions_workspace ON mentions(workspace_id);
CREATE INDEX event_delivery_attempts_delivery ON event_delivery_attempts(delivery_id);
CREATE INDEX incoming_webhooks_channel ON incoming_webhooks(channel_id);
CREATE INDEX slash_commands_workspace ON slash_commands(workspace_id);
CREATE INDEX slash_command_invocations_workspace ON slash_command_invocations(workspace_id);
CREATE INDEX slash_command_invocations_command ON slash_command_invocations(command_id);
