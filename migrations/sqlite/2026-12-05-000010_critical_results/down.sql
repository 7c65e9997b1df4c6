DROP INDEX orders_critical_team;
DROP INDEX orders_critical_org;
