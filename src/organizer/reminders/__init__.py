"""Reminders: one Telegram message per task and due time, with Done / Snooze buttons.

When: at the task's due time minus REMINDER_LEAD_MIN, to its owner (the
owner id is the Telegram chat id), only while TELEGRAM_BOT_TOKEN is set.

Exactly once: the message is recorded as a `reminder.sent` event under the
idempotency key `reminder:<task_id>:<due_at>`, so a restart never repeats it,
and a rescheduled task (a new due_at) is reminded again at its new time. A
Telegram answer that never comes (read timeout) counts as sent: a second
message is worse than none when the first one most likely arrived.

Wording: the canon's `reminder` template (`reminder_late` when late) and
button labels, in the owner's language and time zone (`users`, else ru and
DEFAULT_TZ), so the reminder reads like the bot's own replies.

After downtime: a reminder more than LATE_GRACE late is sent once, marked
late (the canon's `reminder_late`); one more than REMINDER_MAX_LATE_MIN late (default 720,
12 hours) is not sent — it is recorded as skipped, because a reminder for
yesterday morning is noise, and the task still shows in the list.

Buttons — the callback data the bot handles:
* `done:<task_id>` — complete the task;
* `snooze:<task_id>:<minutes>` — `organizer.reminders.snooze(service, task_id,
  minutes, now)`, which reschedules the task to now + minutes (rounded up to
  the minute) through TaskService; the new due time is reminded again. The bot
  edits the reminder to the canon's `reminder_snoozed` (the new time).
"""

from organizer.reminders.snooze import snooze

__all__ = ["snooze"]
