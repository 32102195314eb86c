-- Sagsflow schema, migration 3: municipality configurations, the inquiry
-- register, and the messages between the service-model layers.

-- The municipality file as loaded by `sagsflow init`: the organisation rules
-- are read from here, so every process of an installation applies the same.
CREATE TABLE municipality_configs (
  code TEXT PRIMARY KEY REFERENCES municipalities (code),
  file_name TEXT NOT NULL,
  source TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  loaded_at TEXT NOT NULL
);

-- One row per inquiry (henvendelse), always naming the acting authority.
CREATE TABLE inquiries (
  id BIGINT PRIMARY KEY,
  municipality TEXT NOT NULL REFERENCES municipalities (code),
  channel TEXT NOT NULL,
  inquiry_type TEXT NOT NULL,
  area TEXT NOT NULL,
  service TEXT NOT NULL,
  citizen_cpr TEXT,
  with_form INTEGER NOT NULL,
  resolved_on_the_spot INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  handled_by TEXT NOT NULL,
  unit TEXT NOT NULL,
  acting_authority TEXT NOT NULL,
  owning_authority TEXT NOT NULL,
  routed_to TEXT NOT NULL,
  forwarded_to TEXT NOT NULL,
  forwarded_on TEXT NOT NULL,
  case_id BIGINT REFERENCES cases (id),
  at TEXT NOT NULL
);
CREATE INDEX inquiries_by_municipality ON inquiries (municipality, at);

-- Notices from the expert group and problem reports from the customer line.
CREATE TABLE layer_messages (
  id BIGINT PRIMARY KEY,
  municipality TEXT NOT NULL REFERENCES municipalities (code),
  area TEXT NOT NULL,
  kind TEXT NOT NULL,
  author TEXT NOT NULL,
  author_layer TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  case_id BIGINT REFERENCES cases (id),
  at TEXT NOT NULL
);
CREATE INDEX layer_messages_by_municipality ON layer_messages (municipality, at);
