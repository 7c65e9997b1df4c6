DROP TABLE lab_message_attempts;
DROP TABLE lab_messages;
DROP TABLE lab_connections;
