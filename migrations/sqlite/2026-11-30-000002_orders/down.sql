DROP TABLE order_drafts;
DROP TABLE idempotency_keys;
DROP TABLE order_events;
DROP TABLE order_tests;
DROP TABLE orders;
DROP TABLE patients;
