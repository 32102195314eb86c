-- Sagsflow schema, migration 17: sign-in through OpenID Connect (docs/signin.md).
--
-- A sign-in under way: the provider sends the browser back to
-- /auth/callback with `state`, and whichever node answers finds the attempt
-- here and takes it (used once). The state is kept as its SHA-256; the
-- nonce and the PKCE verifier are needed in clear to finish the sign-in.
-- Attempts live 10 minutes; expired ones are removed with the next attempt.
CREATE TABLE login_attempts (
  state_sha256 TEXT PRIMARY KEY,
  provider TEXT NOT NULL,
  nonce TEXT NOT NULL,
  code_verifier TEXT NOT NULL,
  return_to TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX login_attempts_by_expiry ON login_attempts (expires_at);

-- A signed-in browser. The cookie carries the session id; the database only
-- its SHA-256, so a copy of the database signs nobody in. A citizen's
-- session holds their opaque subject (citizen_subjects, migration 6), never
-- the CPR number; id_token is kept for the provider's logout hint (empty
-- when the ID token carries a CPR number). roles: comma-separated.
-- ended_at is set by a sign-out ('' while the session lives).
CREATE TABLE sessions (
  id_sha256 TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  provider TEXT NOT NULL,
  municipality TEXT NOT NULL,
  person TEXT NOT NULL,
  unit TEXT NOT NULL,
  roles TEXT NOT NULL,
  citizen_subject TEXT NOT NULL,
  name TEXT NOT NULL,
  csrf_token TEXT NOT NULL,
  id_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  idle_expires_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  ended_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
