-- Outgoing event subscriptions with a durable, retried delivery queue.

CREATE TABLE event_subscriptions (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  app_installation_id TEXT,
  event_types_json TEXT NOT NULL,
  callback_url TEXT NOT NULL,
  signing_secret TEXT NOT NULL,
  created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  -- 'active' until a delivery exhausts its retries; a later success makes it active again.
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'failing')),
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  last_success_at TEXT,
  last_failure_at TEXT
);
CREATE INDEX event_subscriptions_workspace ON event_subscriptions(workspace_id, created_at);

-- One row per (subscription, event) to deliver; survives restarts.
CREATE TABLE event_deliveries (
  id TEXT PRIMARY KEY,
  subscription_id TEXT NOT NULL REFERENCES event_subscriptions(id) ON DELETE CASCADE,
  event_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  request_json TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  created_at TEXT NOT NULL,
  completed_at TEXT,
  UNIQUE (subscription_id, event_id)
);
CREATE INDEX event_deliveries_due ON event_deliveries(state, next_attempt_at);

CREATE TABLE event_delivery_attempts (
  id TEXT PRIMARY KEY,
  delivery_id TEXT NOT NULL REFERENCES event_deliveries(id) ON DELETE CASCADE,
  subscription_id TEXT NOT NULL REFERENCES event_subscriptions(id) ON DELETE CASCADE,
  event_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  request_json TEXT NOT NULL,
  response_status INTEGER NOT NULL DEFAULT 0,
  response_body TEXT NOT NULL DEFAULT '',
  error TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  completed_at TEXT NOT NULL,
  UNIQUE (subscription_id, event_id, attempt)
);
CREATE INDEX event_delivery_attempts_subscription ON event_delivery_attempts(subscription_id, created_at, id);

-- Where the dispatcher has read the event log up to (one row).
CREATE TABLE event_dispatch_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  cursor TEXT NOT NULL
);

-- Who changed which integration, bot or token, and when.
CREATE TABLE audit_log_entries (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  actor_user_id TEXT,
  action TEXT NOT NULL,
  target_type TEXT NOT NULL,
  target_id TEXT NOT NULL,
  metadata_json TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL
);
CREATE INDEX audit_log_entries_workspace ON audit_log_entries(workspace_id, created_at, id);
