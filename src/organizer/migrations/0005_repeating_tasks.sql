-- organizer schema 5: repeating tasks. Folded from `task.created` (its `repeat`) and
-- `task.advanced`, so a rebuild reproduces them; NULL on every one-off task.
-- repeat: the RFC 5545 RRULE. repeat_start: the first occurrence (its DTSTART) and
-- repeat_slot: the occurrence the task stands for now, both local to the task's tz
-- ("YYYY-MM-DD" or "YYYY-MM-DDTHH:MM"); a reschedule moves due_* but not the slot.
ALTER TABLE tasks ADD COLUMN repeat TEXT;
ALTER TABLE tasks ADD COLUMN repeat_start TEXT;
ALTER TABLE tasks ADD COLUMN repeat_slot TEXT;
