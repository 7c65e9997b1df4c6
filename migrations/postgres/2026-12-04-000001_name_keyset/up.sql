-- The patient-name filter walks each matching name's orders in page order from the page's cursor,
-- on an index of (name, scope, created_at, id): one name of one org or Team is one index range in
-- the list's keyset order, however many orders it has. The name leads, so these indexes never
-- look like a way to list an org's or a Team's orders by time (that is orders_*_created).
DROP INDEX orders_org_name;
DROP INDEX orders_org_last_name;
DROP INDEX orders_team_name;
DROP INDEX orders_team_last_name;
CREATE INDEX orders_name_org ON orders (patient_search_name, org_id, created_at, id);
CREATE INDEX orders_last_name_org ON orders (patient_search_last_name, org_id, created_at, id);
CREATE INDEX orders_name_team ON orders (patient_search_name, team_id, created_at, id);
CREATE INDEX orders_last_name_team ON orders (patient_search_last_name, team_id, created_at, id);
