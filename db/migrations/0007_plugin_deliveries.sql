-- The durable queue of on_case_event deliveries: one cursor per (plugin,
-- case) over the append-only case events. Every event up to delivered_seq
-- was delivered (or is one the plugin does not hear: its own writes and
-- incidents); after a failure the next attempt is due at next_attempt_at and
-- incident_seq names the event whose failure is already an incident.
CREATE TABLE plugin_deliveries (
  plugin_id TEXT NOT NULL,
  case_id BIGINT NOT NULL REFERENCES cases (id),
  delivered_seq BIGINT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL DEFAULT '',
  incident_seq BIGINT NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (plugin_id, case_id)
);

-- Events written before this queue existed were delivered synchronously then:
-- the installed plugins' cursors start at each case's latest event.
INSERT INTO plugin_deliveries (plugin_id, case_id, delivered_seq)
  SELECT p.id, c.id, c.version FROM cases c JOIN installed_plugins p ON p.workflow_id = c.workflow_id;

-- Why a plugin was disabled when Sagsflow did it (repeated crashes); empty
-- when an admin disabled it or it is enabled.
ALTER TABLE installed_plugins ADD COLUMN disabled_reason TEXT NOT NULL DEFAULT '';
