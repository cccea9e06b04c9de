"""Which reminders are due (pure) and what they say (the canon's templates, the user's words).

The text is the canon's `reminder` template (`reminder_late` after downtime) in
the owner's language, with the due time in the owner's time zone — the same
wording and zone the bot uses in its replies. The buttons' labels are the
canon's `button_done` and `button_snooze_min` / `button_snooze_hours`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from organizer.store.views import DueReminder
from organizer.wording import when_text

if TYPE_CHECKING:
    from organizer.canon import Canon

LATE_GRACE = timedelta(minutes=2)
SNOOZE_MINUTES = (15, 60)


@dataclass(frozen=True)
class Reminder:
    task_id: str
    owner: str
    due_at: str
    late: bool
    skip: bool


def key(task_id: str, due_at: str) -> str:
    """The idempotency key: one reminder per task and due time."""
    return f"reminder:{task_id}:{due_at}"


def parse_due(due_at: str) -> datetime:
    return datetime.fromisoformat(due_at.replace("Z", "+00:00"))


def decide(task: DueReminder, now: datetime, lead_min: int,
           max_late_min: int) -> Reminder | None:
    """The reminder `task` needs at `now`, or None while it is not due yet.

    It is due `lead_min` minutes before the due time. Late and skipped are
    measured from the due time itself: a reminder that still comes before the
    due time (say the lead time grew after the old reminder moment had passed)
    is an ordinary heads-up, not a late one.
    """
    due = parse_due(task.due_at)
    if now < due - timedelta(minutes=lead_min):
        return None
    overdue = now - due
    late = overdue > LATE_GRACE
    skip = overdue > timedelta(minutes=max_late_min) or not task.owner.isdigit()
    return Reminder(task.id, task.owner, task.due_at, late, skip)


def when(canon: Canon, due_at: str, tz: str, lang: str, now: datetime) -> str:
    """"сегодня в 10:00" — the due time in zone `tz`, worded as the bot words it."""
    local = parse_due(due_at).astimezone(ZoneInfo(tz))
    today = now.astimezone(ZoneInfo(tz)).date()
    return when_text(canon, local.date(), local.time().replace(second=0, microsecond=0), lang, today)


def text(canon: Canon, task: DueReminder, lang: str, tz: str, now: datetime,
         late: bool) -> str:
    """The reminder message for `task` in `lang`, its due time shown in `tz`."""
    return canon.reply("reminder_late" if late else "reminder", lang, number=task.number,
                       title=task.title, when=when(canon, task.due_at, tz, lang, now))


def snooze_label(canon: Canon, minutes: int, lang: str) -> str:
    if minutes % 60 == 0:
        return canon.reply("button_snooze_hours", lang, hours=minutes // 60)
    return canon.reply("button_snooze_min", lang, minutes=minutes)


def keyboard(canon: Canon, task_id: str, lang: str) -> dict[str, Any]:
    """Inline buttons; the bot handles `done:<id>` and `snooze:<id>:<minutes>`."""
    return {"inline_keyboard": [
        [{"text": canon.reply("button_done", lang), "callback_data": f"done:{task_id}"}],
        [{"text": snooze_label(canon, minutes, lang),
          "callback_data": f"snooze:{task_id}:{minutes}"} for minutes in SNOOZE_MINUTES],
    ]}
