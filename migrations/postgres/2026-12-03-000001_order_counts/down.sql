DROP TRIGGER orders_counted ON orders;
DROP FUNCTION orders_counted();
DROP FUNCTION count_order(TEXT, TEXT, INTEGER);
DROP TABLE team_order_counts;
