-- organizer schema 4: per-user reminder lead time and the language Telegram reports.
-- Both are folded from `user.*` events like tz and lang, so a rebuild reproduces them.
-- lead_min: minutes before a task's due time its reminder comes (NULL: REMINDER_LEAD_MIN).
-- tg_lang: Telegram's language_code for the person, used when they never chose /lang.
ALTER TABLE users ADD COLUMN lead_min INTEGER;
ALTER TABLE users ADD COLUMN tg_lang TEXT;
