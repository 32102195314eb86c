-- Sagsflow schema, migration 8: the access log names inquiries too.

-- Lists are recorded like single reads: one access_log row per case or
-- inquiry a list showed. An inquiry is personal data about its citizen with
-- or without a case, so a row names a case, an inquiry, or both (an inquiry
-- of a case: then the case's own log, which the citizen sees, includes it).
-- SQLite cannot drop a NOT NULL, so there the table is rebuilt with its rows,
-- indexes and append-only triggers; PostgreSQL alters it in place.
-- @dialect sqlite
CREATE TABLE access_log_v8 (
  id BIGINT PRIMARY KEY,
  at TEXT NOT NULL,
  municipality TEXT NOT NULL,
  case_id BIGINT REFERENCES cases (id),
  case_number TEXT NOT NULL,
  actor TEXT NOT NULL,
  unit TEXT NOT NULL,
  authority TEXT NOT NULL,
  purpose TEXT NOT NULL,
  via TEXT NOT NULL,
  inquiry_id BIGINT REFERENCES inquiries (id),
  CHECK (case_id IS NOT NULL OR inquiry_id IS NOT NULL)
);
INSERT INTO access_log_v8 (id, at, municipality, case_id, case_number, actor, unit, authority, purpose, via)
  SELECT id, at, municipality, case_id, case_number, actor, unit, authority, purpose, via FROM access_log;
DROP TABLE access_log;
ALTER TABLE access_log_v8 RENAME TO access_log;
CREATE INDEX access_log_by_case ON access_log (case_id, at);
CREATE INDEX access_log_by_time ON access_log (municipality, at);
CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
-- @dialect postgresql
ALTER TABLE access_log ALTER COLUMN case_id DROP NOT NULL;
ALTER TABLE access_log ADD COLUMN inquiry_id BIGINT REFERENCES inquiries (id);
ALTER TABLE access_log ADD CONSTRAINT access_log_names_a_case_or_an_inquiry CHECK (case_id IS NOT NULL OR inquiry_id IS NOT NULL);
-- @dialect all
CREATE INDEX access_log_by_inquiry ON access_log (inquiry_id, at);
