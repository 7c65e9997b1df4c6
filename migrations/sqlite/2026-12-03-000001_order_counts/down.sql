DROP TRIGGER orders_counted_on_delete;
DROP TRIGGER orders_counted_on_move;
DROP TRIGGER orders_counted_on_insert;
DROP TABLE team_order_counts;
