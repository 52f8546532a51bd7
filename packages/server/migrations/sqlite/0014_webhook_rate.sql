-- Incoming-webhook rate windows live in the database so every node shares one budget.
CREATE TABLE webhook_rate_windows (
  webhook_id TEXT PRIMARY KEY REFERENCES incoming_webhooks(id) ON DELETE CASCADE,
  window_start_ms INTEGER NOT NULL,
  count INTEGER NOT NULL
);
