-- How many orders each Team has in each status, kept by triggers in the transaction that inserts
-- or moves the order, so GET /v3/orders answers its exact total without counting rows.
CREATE TABLE team_order_counts (
    team_id TEXT NOT NULL REFERENCES teams(id),
    status_low TEXT NOT NULL,
    -- PostgreSQL spreads each Team's count over a few rows so concurrent orders do not queue on
    -- one; SQLite has one writer at a time and uses shard 0 only.
    shard INTEGER NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (team_id, status_low, shard)
);

INSERT INTO team_order_counts (team_id, status_low, shard, n)
SELECT team_id, status_low, 0, COUNT(*) FROM orders GROUP BY team_id, status_low;

CREATE TRIGGER orders_counted_on_insert AFTER INSERT ON orders
BEGIN
    INSERT INTO team_order_counts (team_id, status_low, shard, n)
    VALUES (NEW.team_id, NEW.status_low, 0, 1)
    ON CONFLICT (team_id, status_low, shard) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER orders_counted_on_move AFTER UPDATE OF status_low, team_id ON orders
WHEN OLD.status_low <> NEW.status_low OR OLD.team_id <> NEW.team_id
BEGIN
    INSERT INTO team_order_counts (team_id, status_low, shard, n)
    VALUES (OLD.team_id, OLD.status_low, 0, -1)
    ON CONFLICT (team_id, status_low, shard) DO UPDATE SET n = n - 1;
    INSERT INTO team_order_counts (team_id, status_low, shard, n)
    VALUES (NEW.team_id, NEW.status_low, 0, 1)
    ON CONFLICT (team_id, status_low, shard) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER orders_counted_on_delete AFTER DELETE ON orders
BEGIN
    INSERT INTO team_order_counts (team_id, status_low, shard, n)
    VALUES (OLD.team_id, OLD.status_low, 0, -1)
    ON CONFLICT (team_id, status_low, shard) DO UPDATE SET n = n - 1;
END;
