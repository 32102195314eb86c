-- Sagsflow schema, migration 12: a generation number of the installation's
-- configuration, so a running server notices `sagsflow init`, `workflow
-- deploy` and `plugins install/enable/disable` (from the CLI, another node or
-- itself) and reopens its lanes on the new configuration.
--
-- Triggers bump it in the same statement as the change, whoever makes it, so
-- a change that rolls back takes its bump with it. A server reads this one
-- row every config.refresh_milliseconds; a number different from the one its
-- lanes were opened with makes it reopen them.
CREATE TABLE config_generation (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  generation BIGINT NOT NULL
);
INSERT INTO config_generation (id, generation) VALUES (1, 1);

-- @dialect sqlite
CREATE TRIGGER config_generation_municipality_inserted AFTER INSERT ON municipality_configs BEGIN UPDATE config_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER config_generation_municipality_updated AFTER UPDATE ON municipality_configs BEGIN UPDATE config_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER config_generation_municipality_deleted AFTER DELETE ON municipality_configs BEGIN UPDATE config_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER config_generation_workflow_inserted AFTER INSERT ON workflow_versions BEGIN UPDATE config_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER config_generation_workflow_updated AFTER UPDATE ON workflow_versions BEGIN UPDATE config_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER config_generation_workflow_deleted AFTER DELETE ON workflow_versions BEGIN UPDATE config_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER config_generation_plugin_inserted AFTER INSERT ON installed_plugins BEGIN UPDATE config_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER config_generation_plugin_updated AFTER UPDATE ON installed_plugins BEGIN UPDATE config_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER config_generation_plugin_deleted AFTER DELETE ON installed_plugins BEGIN UPDATE config_generation SET generation = generation + 1 WHERE id = 1; END;

-- @dialect postgresql
CREATE FUNCTION sagsflow_bump_config_generation() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  UPDATE config_generation SET generation = generation + 1 WHERE id = 1
  ; RETURN NULL; END $$;
CREATE TRIGGER config_generation_municipality AFTER INSERT OR UPDATE OR DELETE ON municipality_configs
  FOR EACH STATEMENT EXECUTE FUNCTION sagsflow_bump_config_generation();
CREATE TRIGGER config_generation_workflow AFTER INSERT OR UPDATE OR DELETE ON workflow_versions
  FOR EACH STATEMENT EXECUTE FUNCTION sagsflow_bump_config_generation();
CREATE TRIGGER config_generation_plugin AFTER INSERT OR UPDATE OR DELETE ON installed_plugins
  FOR EACH STATEMENT EXECUTE FUNCTION sagsflow_bump_config_generation();
