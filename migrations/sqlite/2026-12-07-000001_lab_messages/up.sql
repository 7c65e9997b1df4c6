-- How each lab takes orders: over MLLP (host and port), as files dropped in a folder the lab
-- collects, or not from labdesk at all ("none": handled elsewhere). Set by CSMs.
CREATE TABLE lab_connections (
    lab_slug TEXT PRIMARY KEY NOT NULL REFERENCES labs(slug),
    kind TEXT NOT NULL,
    host TEXT,
    port INTEGER,
    folder TEXT,
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- The outbox of messages to labs (ORM^O01 new and cancel), written in the transaction that
-- places or cancels the order; a worker sends each under a lease, once, and keeps the lab's
-- answer.
CREATE TABLE lab_messages (
    id TEXT PRIMARY KEY NOT NULL,
    order_id TEXT NOT NULL REFERENCES orders(id),
    lab_slug TEXT NOT NULL REFERENCES labs(slug),
    lab_account_id TEXT NOT NULL REFERENCES lab_accounts(id),
    kind TEXT NOT NULL,
    control_id TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    ack_code TEXT,
    ack_text TEXT,
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX lab_messages_due ON lab_messages (state, next_attempt_at);
CREATE INDEX lab_messages_order ON lab_messages (order_id, created_at);

CREATE TABLE lab_message_attempts (
    id TEXT PRIMARY KEY NOT NULL,
    message_id TEXT NOT NULL REFERENCES lab_messages(id),
    attempted_at TIMESTAMP NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL,
    latency_ms INTEGER NOT NULL
);
CREATE INDEX lab_message_attempts_message ON lab_message_attempts (message_id, attempted_at);
