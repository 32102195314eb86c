-- Sagsflow schema, migration 18: citizen self-service.
--
-- A citizen's unfinished application (a draft) for one service of one
-- municipality: the form's field values as JSON, bounded in size by the core
-- (SelfService::save_draft), deleted when the application is submitted. One
-- row per citizen, municipality and service: saving again replaces it.
CREATE TABLE self_service_drafts (
  citizen TEXT NOT NULL,
  municipality TEXT NOT NULL,
  service TEXT NOT NULL,
  fields TEXT NOT NULL,
  saved_at TEXT NOT NULL,
  PRIMARY KEY (citizen, municipality, service)
);

-- Citizens exempt from mandatory digital self-service (fritagelse for
-- obligatorisk digital selvbetjening): they are served on paper and in
-- person, and their letters go by physical post. Registered by staff, one
-- row per CPR number.
CREATE TABLE self_service_exemptions (
  cpr TEXT PRIMARY KEY,
  reason TEXT NOT NULL,
  registered_by TEXT NOT NULL,
  registered_at TEXT NOT NULL
);
