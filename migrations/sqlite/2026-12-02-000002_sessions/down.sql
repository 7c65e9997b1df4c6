DROP INDEX login_attempts_at;
DROP INDEX login_attempts_client;
ALTER TABLE login_attempts DROP COLUMN client_addr;
ALTER TABLE users DROP COLUMN disabled_at;
DROP INDEX sessions_user;
DROP TABLE sessions;
