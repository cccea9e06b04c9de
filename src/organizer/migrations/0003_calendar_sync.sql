-- organizer schema 3: calendar_links remembers which task version its event shows,
-- so the worker can tell an event in sync from one that needs a patch.
ALTER TABLE calendar_links ADD COLUMN synced_version INTEGER NOT NULL DEFAULT 0;
