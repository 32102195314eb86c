-- Sagsflow schema, migration 6: revoked bearer tokens and citizens' opaque token subjects.

-- A token id (jti) that no node may accept any more (`sagsflow token revoke`):
-- who revoked it, when, why, and until when the row must be kept (the
-- token's expiry, or the longest lifetime a token can have when it is not
-- known); rows past keep_until are purged when the next token is revoked.
CREATE TABLE revoked_tokens (
  jti TEXT PRIMARY KEY,
  revoked_by TEXT NOT NULL,
  revoked_at TEXT NOT NULL,
  keep_until TEXT NOT NULL,
  reason TEXT NOT NULL
);
CREATE INDEX revoked_tokens_by_keep_until ON revoked_tokens (keep_until);

-- The opaque id a citizen token carries instead of the CPR number, one per
-- citizen and municipality, made at the first token issued to them.
CREATE TABLE citizen_subjects (
  subject TEXT PRIMARY KEY,
  municipality TEXT NOT NULL,
  cpr TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (municipality, cpr)
);
