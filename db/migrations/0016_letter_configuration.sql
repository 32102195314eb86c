-- Sagsflow schema, migration 16: the configuration of letters.
--
-- The letterhead's logo travels with the municipality file it belongs to:
-- `sagsflow init` reads the PNG the file names (letters.letterhead.logo) and
-- stores its bytes, as hex, in the same row, so every node has them.
ALTER TABLE municipality_configs ADD COLUMN logo_png_hex TEXT NOT NULL DEFAULT '';

-- A municipality's own letter templates (`sagsflow letter install`): the
-- source as installed, and what it applies to (kind, language, and the
-- workflow, stage and outcome it is limited to; '' for any), so a listing
-- needs no parsing. One file name once per municipality: installing a file
-- of the same name replaces it.
CREATE TABLE letter_templates (
  municipality TEXT NOT NULL,
  file_name TEXT NOT NULL,
  kind TEXT NOT NULL,
  language TEXT NOT NULL,
  workflow TEXT NOT NULL,
  stage TEXT NOT NULL,
  outcome TEXT NOT NULL,
  source TEXT NOT NULL,
  installed_by TEXT NOT NULL,
  installed_at TEXT NOT NULL,
  PRIMARY KEY (municipality, file_name)
);

-- A change of them is a change of the configuration (migration 12): a
-- running server reopens its lanes on the new templates.
-- @dialect sqlite
CREATE TRIGGER config_generation_letter_template_inserted AFTER INSERT ON letter_templates BEGIN UPDATE config_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER config_generation_letter_template_updated AFTER UPDATE ON letter_templates BEGIN UPDATE config_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER config_generation_letter_template_deleted AFTER DELETE ON letter_templates BEGIN UPDATE config_generation SET generation = generation + 1 WHERE id = 1; END;

-- @dialect postgresql
CREATE TRIGGER config_generation_letter_template AFTER INSERT OR UPDATE OR DELETE ON letter_templates
  FOR EACH STATEMENT EXECUTE FUNCTION sagsflow_bump_config_generation();
