-- PostgreSQL only (event_cursor_base: cursors ordered by transaction id). SQLite's write
-- transactions run one at a time, and its cursors stay fenced above the newest stored one.
SELECT 1;
