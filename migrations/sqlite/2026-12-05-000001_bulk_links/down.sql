DROP TABLE bulk_link_changes;
DROP TABLE bulk_link_actions;
