CREATE TABLE organizations (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE teams (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organizations(id),
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    org_id TEXT REFERENCES organizations(id),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE team_members (
    user_id TEXT NOT NULL REFERENCES users(id),
    team_id TEXT NOT NULL REFERENCES teams(id),
    PRIMARY KEY (user_id, team_id)
);

CREATE TABLE csm_assignments (
    user_id TEXT NOT NULL REFERENCES users(id),
    org_id TEXT NOT NULL REFERENCES organizations(id),
    PRIMARY KEY (user_id, org_id)
);

CREATE TABLE labs (
    slug TEXT PRIMARY KEY NOT NULL,
    id INTEGER NOT NULL UNIQUE,
    name TEXT NOT NULL,
    first_line_address TEXT NOT NULL,
    city TEXT NOT NULL,
    zipcode TEXT NOT NULL,
    collection_methods TEXT NOT NULL,
    sample_types TEXT NOT NULL
);

CREATE TABLE lab_tests (
    id TEXT PRIMARY KEY NOT NULL,
    lab_slug TEXT NOT NULL REFERENCES labs(slug),
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    sample_type TEXT NOT NULL,
    method TEXT NOT NULL,
    price DOUBLE PRECISION NOT NULL,
    status TEXT NOT NULL,
    markers TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX lab_tests_lab ON lab_tests (lab_slug, status);

CREATE TABLE lab_accounts (
    id TEXT PRIMARY KEY NOT NULL,
    lab_slug TEXT NOT NULL REFERENCES labs(slug),
    org_id TEXT REFERENCES organizations(id),
    -- org id, or 'platform' for platform-managed accounts: makes the uniqueness rule one index on both backends
    owner_key TEXT NOT NULL,
    provider_account_id TEXT NOT NULL,
    account_name TEXT,
    status TEXT NOT NULL,
    delegated_flow TEXT NOT NULL,
    allowed_billing TEXT NOT NULL,
    business_units TEXT,
    default_clinical_notes TEXT,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (owner_key, lab_slug, provider_account_id)
);
CREATE INDEX lab_accounts_org ON lab_accounts (org_id, status, lab_slug);

CREATE TABLE lab_account_teams (
    lab_account_id TEXT NOT NULL REFERENCES lab_accounts(id),
    team_id TEXT NOT NULL REFERENCES teams(id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (lab_account_id, team_id)
);
CREATE INDEX lab_account_teams_team ON lab_account_teams (team_id);

CREATE TABLE lab_account_status_changes (
    id TEXT PRIMARY KEY NOT NULL,
    lab_account_id TEXT NOT NULL REFERENCES lab_accounts(id),
    from_status TEXT,
    to_status TEXT NOT NULL,
    reason TEXT NOT NULL,
    actor_label TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX lab_account_status_changes_account ON lab_account_status_changes (lab_account_id, at);

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY NOT NULL,
    scope TEXT NOT NULL,
    team_id TEXT REFERENCES teams(id),
    org_id TEXT REFERENCES organizations(id),
    lab_slug TEXT,
    prefix TEXT NOT NULL,
    digest TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);

CREATE TABLE login_attempts (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL,
    succeeded BOOLEAN NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX login_attempts_email ON login_attempts (email, at);

CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    at TIMESTAMP NOT NULL,
    actor_type TEXT NOT NULL,
    actor_id TEXT,
    actor_label TEXT NOT NULL,
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    org_id TEXT,
    team_id TEXT,
    summary TEXT NOT NULL,
    details TEXT NOT NULL,
    request_id TEXT
);
CREATE INDEX audit_events_entity ON audit_events (entity_type, entity_id, id);
CREATE INDEX audit_events_org ON audit_events (org_id, id);
CREATE INDEX audit_events_actor ON audit_events (actor_label, id);
