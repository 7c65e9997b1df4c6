-- Webhook endpoints of a Team (Junction's clients learn of order and result changes from
-- webhooks). The signing secret is kept as issued: each delivery is signed with it (HMAC needs
-- the key itself, unlike an API key, which is kept only as a hash).
CREATE TABLE webhook_endpoints (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organizations(id),
    team_id TEXT NOT NULL REFERENCES teams(id),
    url TEXT NOT NULL,
    description TEXT NOT NULL,
    event_types TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    secret TEXT NOT NULL,
    consecutive_failures INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE INDEX webhook_endpoints_team ON webhook_endpoints (team_id);

-- The outbox: one row per event, written in the transaction of the change it tells of (a change
-- rolled back leaves no event), with its body as sent. Its id is the svix-id of every attempt.
CREATE TABLE webhook_events (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organizations(id),
    team_id TEXT NOT NULL REFERENCES teams(id),
    event_type TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- One delivery per event and endpoint, fanned out in the same transaction. A worker claims due
-- ones by setting a lease (`claimed_until`), sends, then records the outcome; a lease that runs
-- out (its instance stopped) lets another instance try again.
CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY NOT NULL,
    event_id TEXT NOT NULL REFERENCES webhook_events(id),
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id),
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at);

-- Each try of a delivery, for the dashboard: status, time taken, the start of the answer.
CREATE TABLE webhook_attempts (
    id TEXT PRIMARY KEY NOT NULL,
    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries(id),
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id),
    attempted_at TIMESTAMP NOT NULL,
    status_code INTEGER,
    latency_ms INTEGER NOT NULL,
    error TEXT,
    response_snippet TEXT NOT NULL
);
CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (endpoint_id, attempted_at);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id);
