-- Write-rate windows of every budget (per user and kind of write, per incoming webhook) live
-- in the database, so every node sharing it counts against one budget.
CREATE TABLE rate_windows (
  key TEXT PRIMARY KEY,
  window_start_ms INTEGER NOT NULL,
  count INTEGER NOT NULL
);
DROP TABLE webhook_rate_windows;
