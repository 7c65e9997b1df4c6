-- Every delivery a lab makes, once per (lab, message control id): a repeat is a duplicate.
CREATE TABLE inbound_messages (
    id TEXT PRIMARY KEY NOT NULL,
    lab_slug TEXT NOT NULL,
    control_id TEXT NOT NULL,
    format TEXT NOT NULL,
    outcome TEXT NOT NULL,
    result_id TEXT,
    unmatched_id TEXT,
    received_at TIMESTAMP NOT NULL,
    UNIQUE (lab_slug, control_id)
);

-- Result versions of an order: partial, final and corrected deliveries all kept.
CREATE TABLE results (
    id TEXT PRIMARY KEY NOT NULL,
    order_id TEXT NOT NULL REFERENCES orders(id),
    lab_account_id TEXT NOT NULL REFERENCES lab_accounts(id),
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    interpretation TEXT NOT NULL,
    control_id TEXT NOT NULL,
    metadata TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (order_id, version)
);
CREATE INDEX results_order ON results (order_id, version);

CREATE TABLE result_biomarkers (
    result_id TEXT NOT NULL REFERENCES results(id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    slug TEXT NOT NULL,
    code TEXT NOT NULL,
    loinc TEXT,
    value_type TEXT NOT NULL,
    result TEXT NOT NULL,
    numeric_value DOUBLE PRECISION,
    unit TEXT,
    reference_range TEXT,
    min_range DOUBLE PRECISION,
    max_range DOUBLE PRECISION,
    flags TEXT NOT NULL,
    interpretation TEXT NOT NULL,
    observed_at TIMESTAMP,
    PRIMARY KEY (result_id, position)
);
CREATE INDEX result_biomarkers_slug ON result_biomarkers (slug);

-- Results that did not fit: never attached silently, worked from the review queue.
CREATE TABLE unmatched_results (
    id TEXT PRIMARY KEY NOT NULL,
    lab_slug TEXT NOT NULL,
    lab_account_id TEXT REFERENCES lab_accounts(id),
    org_id TEXT REFERENCES organizations(id),
    team_id TEXT REFERENCES teams(id),
    account_number TEXT NOT NULL,
    placer_order_number TEXT,
    control_id TEXT NOT NULL,
    decision_code TEXT NOT NULL,
    reasons TEXT NOT NULL,
    candidate_order_id TEXT REFERENCES orders(id),
    raw_message TEXT NOT NULL,
    parsed TEXT NOT NULL,
    status TEXT NOT NULL,
    resolution_note TEXT,
    resolved_order_id TEXT REFERENCES orders(id),
    decided_by TEXT,
    decided_at TIMESTAMP,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX unmatched_org_status ON unmatched_results (org_id, status, created_at, id);
CREATE INDEX unmatched_status ON unmatched_results (status, created_at, id);
