-- How many orders each Team has in each status, kept by triggers in the transaction that inserts
-- or moves the order, so GET /v3/orders answers its exact total without counting rows.
CREATE TABLE team_order_counts (
    team_id TEXT NOT NULL REFERENCES teams(id),
    status_low TEXT NOT NULL,
    -- Each Team's count is spread over 16 rows so concurrent orders of one Team do not queue on
    -- one row lock until they commit; the total is the sum.
    shard INTEGER NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (team_id, status_low, shard)
);

INSERT INTO team_order_counts (team_id, status_low, shard, n)
SELECT team_id, status_low, 0, COUNT(*) FROM orders GROUP BY team_id, status_low;

CREATE FUNCTION count_order(team TEXT, status TEXT, delta INTEGER) RETURNS void AS $$
    INSERT INTO team_order_counts (team_id, status_low, shard, n)
    VALUES (team, status, floor(random() * 16)::integer, delta)
    ON CONFLICT (team_id, status_low, shard) DO UPDATE SET n = team_order_counts.n + delta;
$$ LANGUAGE sql;

CREATE FUNCTION orders_counted() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM count_order(NEW.team_id, NEW.status_low, 1);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM count_order(OLD.team_id, OLD.status_low, -1);
    ELSIF OLD.status_low <> NEW.status_low OR OLD.team_id <> NEW.team_id THEN
        PERFORM count_order(OLD.team_id, OLD.status_low, -1);
        PERFORM count_order(NEW.team_id, NEW.status_low, 1);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER orders_counted AFTER INSERT OR DELETE OR UPDATE OF status_low, team_id ON orders
FOR EACH ROW EXECUTE FUNCTION orders_counted();
