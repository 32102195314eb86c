-- Sagsflow schema, migration 15: the letter outbox, and the register of
-- citizens exempt from Digital Post.

-- A letter to the citizen of a case, written in the same unit of work as the
-- event that causes it (a decision, a request for missing items, a receipt,
-- a forwarding, a deadline that will be missed, an access request's
-- extension or decision, a party hearing), so a letter exists exactly when
-- its event does. The letter worker renders it (PDF, kept as a document of
-- the case, kind "letter"), and hands it to the delivery plugin of its
-- channel until one answers "delivered".
--
--  idempotency_key  unique per letter ("<municipality>:<case id>:<event seq>:<kind>");
--                   the same on every attempt, so a receiver can tell a retry
--  letter_values    the template's field values from the event (JSON; personal data)
--  state            queued | delivered | failed (final: no channel will take it)
--  channel          digital_post | print, once chosen; rerouted_from: why it changed
--  attempts, next_attempt_at, last_error: retries with backoff
--  incident_open    1 while a failed attempt is not yet followed by a delivery
--                   (the admin page's incidents)
--  claimed_by/claimed_until: the worker that has it (several nodes on PostgreSQL)
CREATE TABLE letters (
  id BIGINT PRIMARY KEY,
  case_id BIGINT NOT NULL REFERENCES cases (id),
  event_seq BIGINT NOT NULL,
  municipality TEXT NOT NULL,
  kind TEXT NOT NULL,
  language TEXT NOT NULL,
  workflow TEXT NOT NULL,
  stage TEXT NOT NULL,
  outcome TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  letter_values TEXT NOT NULL,
  state TEXT NOT NULL,
  channel TEXT NOT NULL DEFAULT '',
  rerouted_from TEXT NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  incident_open INTEGER NOT NULL DEFAULT 0,
  document_id BIGINT REFERENCES documents (id),
  receipt TEXT NOT NULL DEFAULT '',
  claimed_by TEXT NOT NULL DEFAULT '',
  claimed_until TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  delivered_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX letters_due ON letters (state, next_attempt_at);
CREATE INDEX letters_by_case ON letters (case_id, id);
CREATE INDEX letters_incidents ON letters (incident_open, municipality);

-- @dialect postgresql
CREATE SEQUENCE letter_id_seq;
-- @dialect all

-- Citizens exempt from Digital Post (fritaget for Digital Post): their letters
-- go by physical post. Registered by staff from the citizen's application
-- or the national register's answer; one row per CPR number.
CREATE TABLE digital_post_exemptions (
  cpr TEXT PRIMARY KEY,
  reason TEXT NOT NULL,
  registered_by TEXT NOT NULL,
  registered_at TEXT NOT NULL
);
