-- Dashboard sessions live on the server so they can be ended: the cookie carries only a random
-- session secret, stored here as its SHA-256 digest (like API keys). Sign-out, sign out
-- everywhere, a password change and disabling a person set revoked_at; every request reads the
-- row together with its user.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    digest TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX sessions_user ON sessions (user_id);

-- A disabled person cannot sign in and their sessions stop working.
ALTER TABLE users ADD COLUMN disabled_at TIMESTAMP;

-- The per-address sign-in throttle counts failures per client address across all emails, and
-- old attempts are pruned by time.
ALTER TABLE login_attempts ADD COLUMN client_addr TEXT NOT NULL DEFAULT '';
CREATE INDEX login_attempts_client ON login_attempts (client_addr, at);
CREATE INDEX login_attempts_at ON login_attempts (at);
