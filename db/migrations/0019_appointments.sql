-- Sagsflow schema, migration 19: appointments (tidsbestilling), and reads of
-- them in the access log.
--
-- One row per booking of a seat of a slot: the unit that receives it, the
-- slot's start (ISO UTC), its length, the seat (0 .. desks-1 of the area),
-- the citizen (personal data), the case it is about if any, how and by whom
-- it was booked. A cancelled row stays (state 'cancelled', with when, by
-- whom and why: "cancelled", "moved to <id>"). The partial unique index holds
-- each seat of a slot for one booked row, so two bookings racing for the
-- last seat cannot both be stored, on any connection or node.
CREATE TABLE appointments (
  id BIGINT PRIMARY KEY,
  municipality TEXT NOT NULL,
  area TEXT NOT NULL,
  unit TEXT NOT NULL,
  starts_at TEXT NOT NULL,
  minutes INTEGER NOT NULL,
  seat INTEGER NOT NULL,
  citizen_cpr TEXT NOT NULL,
  case_id BIGINT REFERENCES cases (id),
  channel TEXT NOT NULL,
  booked_by TEXT NOT NULL,
  booked_at TEXT NOT NULL,
  state TEXT NOT NULL,
  cancelled_at TEXT NOT NULL DEFAULT '',
  cancelled_by TEXT NOT NULL DEFAULT '',
  cancel_reason TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX appointments_one_per_seat ON appointments (municipality, unit, starts_at, seat)
  WHERE state = 'booked';
CREATE INDEX appointments_by_citizen ON appointments (citizen_cpr, municipality);
CREATE INDEX appointments_by_unit ON appointments (municipality, unit, starts_at);

-- @dialect postgresql
CREATE SEQUENCE appointment_id_seq;
-- @dialect all

-- A read of an appointment (who comes when, for what) is a read of personal
-- data: an access_log row names a case, an inquiry or an appointment. SQLite
-- cannot change a CHECK, so there the table is rebuilt with its rows, indexes
-- and append-only triggers (as in migration 8); PostgreSQL alters it in place.
-- @dialect sqlite
CREATE TABLE access_log_v19 (
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
  appointment_id BIGINT REFERENCES appointments (id),
  CHECK (case_id IS NOT NULL OR inquiry_id IS NOT NULL OR appointment_id IS NOT NULL)
);
INSERT INTO access_log_v19 (id, at, municipality, case_id, case_number, actor, unit, authority, purpose, via, inquiry_id)
  SELECT id, at, municipality, case_id, case_number, actor, unit, authority, purpose, via, inquiry_id FROM access_log;
DROP TABLE access_log;
ALTER TABLE access_log_v19 RENAME TO access_log;
CREATE INDEX access_log_by_case ON access_log (case_id, at);
CREATE INDEX access_log_by_time ON access_log (municipality, at);
CREATE INDEX access_log_by_inquiry ON access_log (inquiry_id, at);
CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
-- @dialect postgresql
ALTER TABLE access_log ADD COLUMN appointment_id BIGINT REFERENCES appointments (id);
ALTER TABLE access_log DROP CONSTRAINT access_log_names_a_case_or_an_inquiry;
ALTER TABLE access_log ADD CONSTRAINT access_log_names_a_case_an_inquiry_or_an_appointment
  CHECK (case_id IS NOT NULL OR inquiry_id IS NOT NULL OR appointment_id IS NOT NULL);
-- @dialect all
CREATE INDEX access_log_by_appointment ON access_log (appointment_id, at);
