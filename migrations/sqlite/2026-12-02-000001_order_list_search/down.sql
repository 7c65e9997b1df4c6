DROP INDEX orders_account_team_created;
DROP INDEX orders_account_org_created;
DROP INDEX orders_team_last_name;
DROP INDEX orders_team_name;
DROP INDEX orders_org_last_name;
ALTER TABLE orders DROP COLUMN patient_search_last_name;
