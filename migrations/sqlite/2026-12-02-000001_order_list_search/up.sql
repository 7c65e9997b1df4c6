-- The dashboard's orders list: a patient name matches from the start of the first or the last
-- name (an index range, not a scan), and a lab account filter stays on an index within an org or
-- a Team. Every filter of the list has an index together with the scope (org or Team) and the
-- keyset order (created_at, id).
ALTER TABLE orders ADD COLUMN patient_search_last_name TEXT NOT NULL DEFAULT '';
UPDATE orders SET patient_search_last_name = lower(trim(coalesce(json_extract(patient_details, '$.last_name'), '')));
CREATE INDEX orders_org_last_name ON orders (org_id, patient_search_last_name);
CREATE INDEX orders_team_name ON orders (team_id, patient_search_name);
CREATE INDEX orders_team_last_name ON orders (team_id, patient_search_last_name);
CREATE INDEX orders_account_org_created ON orders (lab_account_id, org_id, created_at, id);
CREATE INDEX orders_account_team_created ON orders (lab_account_id, team_id, created_at, id);
