-- Incoming-webhook rate windows live in the database so every node shares one budget.
CREATE TABLE webhook_rate_windows (
  webhook_id TEXT COLLATE "C" PRIMARY KEY REFERENCES incoming_webhooks(id) ON DELETE CASCADE,
  window_start_ms BIGINT NOT NULL,
  count BIGINT NOT NULL
);
