-- The highest cursor ever handed out, kept only when deleting events (a workspace's, or a
-- prune) could lower the newest stored one: new cursors are fenced above both, so a reader
-- that has passed a deleted event's cursor never misses a later event.
CREATE TABLE event_cursor_floor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  cursor TEXT NOT NULL
);
