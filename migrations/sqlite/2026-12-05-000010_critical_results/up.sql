-- The home page lists orders whose latest result is critical, of an org or of some Teams, in a
-- bounded period. Only those few orders are in these partial indexes, so the list reads them alone
-- instead of every order of the period.
CREATE INDEX orders_critical_org ON orders (org_id, created_at) WHERE interpretation = 'critical';
CREATE INDEX orders_critical_team ON orders (team_id, created_at) WHERE interpretation = 'critical';
