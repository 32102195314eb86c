-- Sagsflow schema, migration 5: the record of who read a case's personal data.

-- One row per read of a case's personal data (form fields, CPR number,
-- history): who, for which authority and unit, when, which case, and why.
-- Append-only like the case history: the database refuses changes.
CREATE TABLE access_log (
  id BIGINT PRIMARY KEY,
  at TEXT NOT NULL,
  municipality TEXT NOT NULL,
  case_id BIGINT NOT NULL REFERENCES cases (id),
  case_number TEXT NOT NULL,
  actor TEXT NOT NULL,
  unit TEXT NOT NULL,
  authority TEXT NOT NULL,
  purpose TEXT NOT NULL,
  via TEXT NOT NULL
);
CREATE INDEX access_log_by_case ON access_log (case_id, at);
CREATE INDEX access_log_by_time ON access_log (municipality, at);
-- @dialect sqlite
CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
-- @dialect postgresql
CREATE FUNCTION sagsflow_refuse_access_log_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'access_log is append-only'; END $$;
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log FOR EACH ROW EXECUTE FUNCTION sagsflow_refuse_access_log_change();
