-- Patients (Junction "users"): one per client_user_id within a Team. The demographics of the
-- latest order are kept so the wizard can find a patient by name.
CREATE TABLE patients (
    id TEXT PRIMARY KEY NOT NULL,
    team_id TEXT NOT NULL REFERENCES teams(id),
    client_user_id TEXT NOT NULL,
    first_name TEXT,
    last_name TEXT,
    dob DATE,
    gender TEXT,
    phone_number TEXT,
    email TEXT,
    address TEXT,
    search_name TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (team_id, client_user_id)
);
CREATE INDEX patients_team_name ON patients (team_id, search_name);

CREATE TABLE orders (
    id TEXT PRIMARY KEY NOT NULL,
    team_id TEXT NOT NULL REFERENCES teams(id),
    org_id TEXT NOT NULL REFERENCES organizations(id),
    user_id TEXT NOT NULL REFERENCES patients(id),
    lab_account_id TEXT NOT NULL REFERENCES lab_accounts(id),
    lab_slug TEXT NOT NULL,
    collection_method TEXT NOT NULL,
    billing_type TEXT NOT NULL,
    patient_details TEXT NOT NULL,
    patient_address TEXT NOT NULL,
    patient_search_name TEXT NOT NULL,
    physician TEXT,
    clinical_notes TEXT,
    notes TEXT,
    priority BOOLEAN NOT NULL,
    icd_codes TEXT,
    passthrough TEXT,
    activate_by TEXT,
    status_high TEXT NOT NULL,
    status_low TEXT NOT NULL,
    interpretation TEXT,
    sample_id TEXT,
    origin TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX orders_team_created ON orders (team_id, created_at, id);
CREATE INDEX orders_org_created ON orders (org_id, created_at, id);
CREATE INDEX orders_team_status ON orders (team_id, status_low, created_at, id);
CREATE INDEX orders_org_status ON orders (org_id, status_low, created_at, id);
CREATE INDEX orders_account_team ON orders (lab_account_id, team_id, status_high);
CREATE INDEX orders_account_created ON orders (lab_account_id, created_at, id);
CREATE INDEX orders_user ON orders (user_id, created_at);
CREATE INDEX orders_org_name ON orders (org_id, patient_search_name);

CREATE TABLE order_tests (
    order_id TEXT NOT NULL REFERENCES orders(id),
    lab_test_id TEXT NOT NULL REFERENCES lab_tests(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (order_id, lab_test_id)
);

CREATE TABLE order_events (
    order_id TEXT NOT NULL REFERENCES orders(id),
    seq INTEGER NOT NULL,
    status TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (order_id, seq)
);

-- POST /v3/order idempotency per Team: the first response is stored and replayed for 24 hours.
CREATE TABLE idempotency_keys (
    team_id TEXT NOT NULL REFERENCES teams(id),
    idem_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    state TEXT NOT NULL,
    response_status INTEGER,
    response_body TEXT,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (team_id, idem_key)
);

-- The order wizard's server-side draft: back, refresh and a second tab lose nothing.
CREATE TABLE order_drafts (
    id TEXT PRIMARY KEY NOT NULL,
    team_id TEXT NOT NULL REFERENCES teams(id),
    created_by TEXT NOT NULL REFERENCES users(id),
    data TEXT NOT NULL,
    order_id TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX order_drafts_user ON order_drafts (created_by, updated_at);
