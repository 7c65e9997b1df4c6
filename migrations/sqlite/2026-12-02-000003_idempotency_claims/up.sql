-- A claim on an idempotency key is named by a token, so only the request holding it can store
-- its response, give it up or lose it to a takeover; a running claim is alive until lease_until.
-- Rows written before this migration have no token and no lease: a running one counts as lapsed.
ALTER TABLE idempotency_keys ADD COLUMN claim_token TEXT NOT NULL DEFAULT '';
ALTER TABLE idempotency_keys ADD COLUMN lease_until TIMESTAMP;
