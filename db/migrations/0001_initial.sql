-- Sagsflow schema, migration 1: municipalities, workflows, cases, events.
--
-- Rules for migration files (the migrator in db/src/migrator.cpp reads them):
-- * file name NNNN_name.sql; NNNN is the schema version it brings the database to;
-- * a statement ends at a line that ends with ';' (write trigger bodies on one line);
-- * '-- @dialect sqlite', '-- @dialect postgresql' and '-- @dialect all' start
--   sections that apply to one database only or to both (the default);
-- * instants are ISO-8601 UTC text, dates YYYY-MM-DD text, JSON documents text,
--   so both databases hold the same bytes.

CREATE TABLE municipalities (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL
);

-- Running numbers: case ids (scope '*') and case-number sequences per
-- municipality and year (scope = municipality code, name = 'case_number/2026').
CREATE TABLE counters (
  scope TEXT NOT NULL,
  name TEXT NOT NULL,
  value BIGINT NOT NULL,
  PRIMARY KEY (scope, name)
);

CREATE TABLE workflow_versions (
  workflow_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  file_name TEXT NOT NULL,
  source TEXT NOT NULL,
  deployed_at TEXT NOT NULL,
  PRIMARY KEY (workflow_id, version)
);

CREATE TABLE cases (
  id BIGINT PRIMARY KEY,
  municipality TEXT NOT NULL REFERENCES municipalities (code),
  case_number TEXT NOT NULL,
  subject TEXT NOT NULL,
  facet TEXT NOT NULL,
  workflow_id TEXT NOT NULL,
  workflow_version INTEGER NOT NULL,
  stage TEXT NOT NULL,
  status TEXT NOT NULL,
  citizen_cpr TEXT,
  due_date TEXT,
  version BIGINT NOT NULL,
  state TEXT NOT NULL,
  opened_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (municipality, case_number),
  FOREIGN KEY (workflow_id, workflow_version) REFERENCES workflow_versions (workflow_id, version)
);

CREATE INDEX cases_by_due_date ON cases (status, due_date);
CREATE INDEX cases_by_citizen ON cases (citizen_cpr);
CREATE INDEX cases_by_stage ON cases (municipality, stage);

CREATE TABLE case_events (
  case_id BIGINT NOT NULL REFERENCES cases (id),
  seq BIGINT NOT NULL,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  unit TEXT NOT NULL,
  authority TEXT NOT NULL,
  action TEXT NOT NULL,
  from_stage TEXT NOT NULL,
  to_stage TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (case_id, seq)
);

-- The event history is append-only: the database itself refuses changes.
-- @dialect sqlite
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END;
CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END;
-- @dialect postgresql
CREATE FUNCTION sagsflow_refuse_event_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'case_events is append-only'; END $$;
CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events FOR EACH ROW EXECUTE FUNCTION sagsflow_refuse_event_change();
