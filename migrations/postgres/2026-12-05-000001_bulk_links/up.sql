-- A bulk link or unlink of lab accounts to Teams, and the exact pairs it changed, so that undo
-- reverses those and nothing else, once. Each change also has its own audit row, written by the
-- same code as a single link or unlink.
CREATE TABLE bulk_link_actions (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organizations(id),
    action TEXT NOT NULL,
    account_count INTEGER NOT NULL,
    team_count INTEGER NOT NULL,
    unchanged_count INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    undone_at TIMESTAMP,
    undone_by TEXT,
    undone_count INTEGER
);
CREATE INDEX bulk_link_actions_org ON bulk_link_actions (org_id, created_at);

CREATE TABLE bulk_link_changes (
    bulk_id TEXT NOT NULL REFERENCES bulk_link_actions(id),
    lab_account_id TEXT NOT NULL REFERENCES lab_accounts(id),
    team_id TEXT NOT NULL REFERENCES teams(id),
    PRIMARY KEY (bulk_id, lab_account_id, team_id)
);
