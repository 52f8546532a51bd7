-- Outgoing event subscriptions with a durable, retried delivery queue.

CREATE TABLE event_subscriptions (
  id TEXT COLLATE "C" PRIMARY KEY,
  workspace_id TEXT COLLATE "C" NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  app_installation_id TEXT COLLATE "C",
  event_types_json TEXT COLLATE "C" NOT NULL,
  callback_url TEXT COLLATE "C" NOT NULL,
  signing_secret TEXT COLLATE "C" NOT NULL,
  created_by TEXT COLLATE "C" REFERENCES users(id) ON DELETE SET NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  revoked_at TEXT COLLATE "C",
  -- 'active' until a delivery exhausts its retries; a later success makes it active again.
  status TEXT COLLATE "C" NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'failing')),
  consecutive_failures BIGINT NOT NULL DEFAULT 0,
  last_success_at TEXT COLLATE "C",
  last_failure_at TEXT COLLATE "C"
);
CREATE INDEX event_subscriptions_workspace ON event_subscriptions(workspace_id, created_at);

-- One row per (subscription, event) to deliver; survives restarts.
CREATE TABLE event_deliveries (
  id TEXT COLLATE "C" PRIMARY KEY,
  subscription_id TEXT COLLATE "C" NOT NULL REFERENCES event_subscriptions(id) ON DELETE CASCADE,
  event_id TEXT COLLATE "C" NOT NULL,
  workspace_id TEXT COLLATE "C" NOT NULL,
  event_type TEXT COLLATE "C" NOT NULL,
  request_json TEXT COLLATE "C" NOT NULL,
  state TEXT COLLATE "C" NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts BIGINT NOT NULL DEFAULT 0,
  next_attempt_at TEXT COLLATE "C" NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  completed_at TEXT COLLATE "C",
  UNIQUE (subscription_id, event_id)
);
CREATE INDEX event_deliveries_due ON event_deliveries(state, next_attempt_at);

CREATE TABLE event_delivery_attempts (
  id TEXT COLLATE "C" PRIMARY KEY,
  delivery_id TEXT COLLATE "C" NOT NULL REFERENCES event_deliveries(id) ON DELETE CASCADE,
  subscription_id TEXT COLLATE "C" NOT NULL REFERENCES event_subscriptions(id) ON DELETE CASCADE,
  event_id TEXT COLLATE "C" NOT NULL,
  workspace_id TEXT COLLATE "C" NOT NULL,
  event_type TEXT COLLATE "C" NOT NULL,
  attempt BIGINT NOT NULL,
  request_json TEXT COLLATE "C" NOT NULL,
  response_status BIGINT NOT NULL DEFAULT 0,
  response_body TEXT COLLATE "C" NOT NULL DEFAULT '',
  error TEXT COLLATE "C" NOT NULL DEFAULT '',
  created_at TEXT COLLATE "C" NOT NULL,
  completed_at TEXT COLLATE "C" NOT NULL,
  UNIQUE (subscription_id, event_id, attempt)
);
CREATE INDEX event_delivery_attempts_subscription ON event_delivery_attempts(subscription_id, created_at, id);

-- Where the dispatcher has read the event log up to (one row).
CREATE TABLE event_dispatch_state (
  id BIGINT PRIMARY KEY CHECK (id = 1),
  cursor TEXT COLLATE "C" NOT NULL
);

-- Who changed which integration, bot or token, and when.
CREATE TABLE audit_log_entries (
  id TEXT COLLATE "C" PRIMARY KEY,
  workspace_id TEXT COLLATE "C" NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  actor_user_id TEXT COLLATE "C",
  action TEXT COLLATE "C" NOT NULL,
  target_type TEXT COLLATE "C" NOT NULL,
  target_id TEXT COLLATE "C" NOT NULL,
  metadata_json TEXT COLLATE "C" NOT NULL DEFAULT '{}',
  created_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX audit_log_entries_workspace ON audit_log_entries(workspace_id, created_at, id);
