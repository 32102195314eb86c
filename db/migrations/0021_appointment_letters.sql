-- Sagsflow schema, migration 21: letters about appointments (the booking's
-- confirmation, its reminder, and its cancellation by staff).
--
-- A letter belongs to a case, an appointment, or both (an appointment about
-- a case). Its rendered PDF is a document of the same: documents name a
-- case, an appointment, or both. The citizen of an appointment without a
-- case gets its letters in Mine sager beside the appointment.
--
-- SQLite cannot drop a NOT NULL, so both tables are rebuilt with their rows
-- and indexes. letters references documents, so the letters are first set
-- aside in a plain copy, then documents is rebuilt (nothing references it
-- meanwhile), then letters is made again from the copy; foreign keys stay
-- on throughout. PostgreSQL alters both in place.
--
-- A letter's new state 'withdrawn': not sent because what it was about went
-- away before it could be (a reminder of an appointment cancelled meanwhile).
-- No incident; the history of the appointment says why.

-- @dialect sqlite
CREATE TABLE letters_before_v21 AS SELECT * FROM letters;
DROP TABLE letters;

CREATE TABLE documents_v21 (
  id BIGINT PRIMARY KEY,
  case_id BIGINT REFERENCES cases (id),
  appointment_id BIGINT REFERENCES appointments (id),
  municipality TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  media_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  sha256 TEXT NOT NULL REFERENCES document_contents (sha256),
  added_by TEXT NOT NULL,
  added_at TEXT NOT NULL,
  CHECK (case_id IS NOT NULL OR appointment_id IS NOT NULL)
);
INSERT INTO documents_v21 (id, case_id, municipality, kind, name, media_type, size, sha256, added_by, added_at)
  SELECT id, case_id, municipality, kind, name, media_type, size, sha256, added_by, added_at FROM documents;
DROP TABLE documents;
ALTER TABLE documents_v21 RENAME TO documents;
CREATE INDEX documents_by_case ON documents (case_id, id);
CREATE INDEX documents_by_content ON documents (sha256);

CREATE TABLE letters (
  id BIGINT PRIMARY KEY,
  case_id BIGINT REFERENCES cases (id),
  appointment_id BIGINT REFERENCES appointments (id),
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
  delivered_at TEXT NOT NULL DEFAULT '',
  CHECK (case_id IS NOT NULL OR appointment_id IS NOT NULL)
);
INSERT INTO letters (id, case_id, event_seq, municipality, kind, language, workflow, stage, outcome,
                     idempotency_key, letter_values, state, channel, rerouted_from, attempts, next_attempt_at,
                     last_error, incident_open, document_id, receipt, claimed_by, claimed_until, created_at,
                     delivered_at)
  SELECT id, case_id, event_seq, municipality, kind, language, workflow, stage, outcome, idempotency_key,
         letter_values, state, channel, rerouted_from, attempts, next_attempt_at, last_error, incident_open,
         document_id, receipt, claimed_by, claimed_until, created_at, delivered_at FROM letters_before_v21;
DROP TABLE letters_before_v21;
CREATE INDEX letters_due ON letters (state, next_attempt_at);
CREATE INDEX letters_by_case ON letters (case_id, id);
CREATE INDEX letters_incidents ON letters (incident_open, municipality);

-- @dialect postgresql
ALTER TABLE documents ALTER COLUMN case_id DROP NOT NULL;
ALTER TABLE documents ADD COLUMN appointment_id BIGINT REFERENCES appointments (id);
ALTER TABLE documents ADD CONSTRAINT documents_name_a_case_or_an_appointment
  CHECK (case_id IS NOT NULL OR appointment_id IS NOT NULL);
ALTER TABLE letters ALTER COLUMN case_id DROP NOT NULL;
ALTER TABLE letters ADD COLUMN appointment_id BIGINT REFERENCES appointments (id);
ALTER TABLE letters ADD CONSTRAINT letters_name_a_case_or_an_appointment
  CHECK (case_id IS NOT NULL OR appointment_id IS NOT NULL);

-- @dialect all
CREATE INDEX documents_by_appointment ON documents (appointment_id, id);
CREATE INDEX letters_by_appointment ON letters (appointment_id, kind);
