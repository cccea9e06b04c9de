"""Reminders: one Telegram message per task and due time, with Done / Snooze buttons.

When: at the task's due time minus the owner's lead time (`/remind N` in the
bot, the `users.lead_min` projection column), else REMINDER_LEAD_MIN, to its
owner (the owner id is the Telegram chat id), only while TELEGRAM_BOT_TOKEN is set.

Exactly once: the message is recorded as a `reminder.sent` event under the
idempotency key `reminder:<task_id>:<due_at>`, so a restart never repeats it,
and a rescheduled task (a new due_at) is reminded again at its new time. The
lead time is not part of the key: changing it after a reminder went out sends
nothing more; changing it before moves the moment the one reminder comes (at
once, when the new moment has already passed). A Telegram answer that never
comes (read timeout) counts as sent: a second message is worse than none when
the first one most likely arrived.

Wording: the canon's `reminder` template (`reminder_late` when late) and
button labels, in the owner's language and time zone, chosen as the bot
chooses them for its replies (organizer.domain.users.reply_language: /lang,
else Telegram's language_code, else DEFAULT_LANG; /tz, else DEFAULT_TZ).

After downtime: a reminder whose due time passed more than LATE_GRACE ago is
sent once, marked late (the canon's `reminder_late`, "was due at ..."); one
more than REMINDER_MAX_LATE_MIN past its due time (default 720, 12 hours) is
not sent — it is recorded as skipped, because a reminder for yesterday morning
is noise, and the task still shows in the list. Both are measured from the due
time, not the reminder moment: a reminder that still comes ahead of the due
time is never late.

Buttons — the callback data the bot handles:
* `done:<task_id>` — complete the task;
* `snooze:<task_id>:<minutes>` — `organizer.reminders.snooze(service, task_id,
  minutes, now, lead_min=...)`, which reschedules the task to now + minutes +
  the owner's lead time (rounded up to the minute) through TaskService, so the
  next reminder comes `minutes` from now. The bot edits the reminder to the
  canon's `reminder_snoozed` with that reminder's time.
"""

from organizer.reminders.snooze import snooze

__all__ = ["snooze"]
