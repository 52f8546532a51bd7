-- Issue 25 (compatibility).
-- mentioned_user_ids: the users an event's message resolved @handle mentions to, as a JSON
-- array (NULL when none), sent at the top level of the event envelope so mention-gated
-- bots can tell whether they were addressed without reading the message.
ALTER TABLE events ADD COLUMN mentioned_user_ids TEXT;

-- A thread root's public `M…` route id (Copy link), allocated on demand and then immutable.
-- Its own table rather than a messages column: most messages never get one.
CREATE TABLE message_routes (
  message_id TEXT PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  route_id TEXT NOT NULL,
  created_at TEXT NOT NULL
);
-- Route ids are unique per workspace; the resolver finds a root through this.
CREATE UNIQUE INDEX message_routes_route ON message_routes(workspace_id, route_id);

-- Per-user, per-channel notification preference: all (the default, no row), mentions, muted.
CREATE TABLE channel_notification_settings (
  channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  preference TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (channel_id, user_id)
);
CREATE INDEX channel_notification_settings_user ON channel_notification_settings(user_id);
