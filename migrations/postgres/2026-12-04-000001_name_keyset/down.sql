DROP INDEX orders_name_org;
DROP INDEX orders_last_name_org;
DROP INDEX orders_name_team;
DROP INDEX orders_last_name_team;
CREATE INDEX orders_org_name ON orders (org_id, patient_search_name);
CREATE INDEX orders_org_last_name ON orders (org_id, patient_search_last_name);
CREATE INDEX orders_team_name ON orders (team_id, patient_search_name);
CREATE INDEX orders_team_last_name ON orders (team_id, patient_search_last_name);
