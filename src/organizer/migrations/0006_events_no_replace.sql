-- organizer schema 6: the event log stays append-only against REPLACE.
--
-- `INSERT OR REPLACE` / `REPLACE INTO` on an existing position or (stream, version)
-- deletes the old row without firing `events_no_delete` (SQLite fires delete
-- triggers for REPLACE only under PRAGMA recursive_triggers, which a raw
-- connection does not set). This trigger runs before the conflict is resolved
-- and refuses such a row, whatever the connection's pragmas. A plain INSERT of
-- a taken (stream, version) is refused here too, as the UNIQUE constraint would.
CREATE TRIGGER events_no_replace BEFORE INSERT ON events
WHEN EXISTS (SELECT 1 FROM events WHERE position = NEW.position)
  OR EXISTS (SELECT 1 FROM events WHERE stream = NEW.stream AND version = NEW.version)
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;
