"""Inline buttons under a task's reply, and what pressing one does.

Callback data (≤ 64 bytes): `done:<task id>`, `cancel:<task id>`,
`alt:<task id>:<YYYYMMDD>[<HHMM>]` (the other reading of an ambiguous time),
from the worker's reminders `snooze:<task id>:<minutes>` (organizer.reminders), and
under a long list `page:<scope>:<n>` (organizer.bot.agenda).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from msgspec.structs import replace

from organizer.bot.agenda import on_page, parse_page
from organizer.bot.replies import Button, Reply, refusal, say
from organizer.store.views import TaskView
from organizer.wording import task_when

if TYPE_CHECKING:
    from organizer.bot.chat import Chat
    from organizer.canon import Canon

_DATA = re.compile(r"^(done|cancel|alt):([0-9a-f]{1,40})(?::(\d{8})(\d{4})?)?$")
_SNOOZE = re.compile(r"^snooze:([0-9a-f]{1,40}):(\d{1,5})$")


@dataclass(frozen=True)
class Press:
    action: str
    task_id: str
    due_date: date | None = None
    due_time: time | None = None
    minutes: int | None = None


def task_buttons(canon: Canon, task: TaskView, lang: str,
                 alternative: tuple[date, time | None] | None = None,
                 alt_label: str | None = None) -> tuple[tuple[Button, ...], ...]:
    """Done and Cancel for an open task, plus the alternative reading when there is one."""
    if task.status != "open":
        return ()
    rows: list[tuple[Button, ...]] = [(
        Button(say(canon, "button_done", lang), f"done:{task.id}"),
        Button(say(canon, "button_cancel", lang), f"cancel:{task.id}"),
    )]
    if alternative is not None and alt_label:
        day, at = alternative
        data = f"alt:{task.id}:{day:%Y%m%d}" + (f"{at:%H%M}" if at else "")
        rows.append((Button(say(canon, "button_alternative", lang, alternative=alt_label),
                            data),))
    return tuple(rows)


def parse_press(data: str) -> Press | None:
    snoozed = _SNOOZE.match(data or "")
    if snoozed is not None:
        return Press("snooze", snoozed.group(1), minutes=int(snoozed.group(2)))
    found = _DATA.match(data or "")
    if found is None:
        return None
    action, task_id, day, at = found.groups()
    if action != "alt" and day:
        return None  # only the alternative carries a date
    try:  # callback data is the sender's to forge: "alt:<id>:99999999" is no date
        return Press(
            action, task_id,
            datetime.strptime(day, "%Y%m%d").date() if day else None,
            datetime.strptime(at, "%H%M").time() if at else None,
        )
    except ValueError:
        return None


def task_of_buttons(rows: Any) -> str | None:
    """The task a bot message is about, from its buttons' callback data (a task's Done and
    Cancel, a reminder's snooze): what a reply to that message refers to."""
    for row in rows or ():
        for button in row or ():
            press = parse_press(str(getattr(button, "callback_data", None) or ""))
            if press is not None:
                return press.task_id
    return None


def on_press(conv: Chat, key: str, user_id: int, data: str,
             tg_lang: str | None = None) -> Reply:
    """Apply a button press; the Reply is the message's new state and the callback answer."""
    from organizer.domain import commands as c
    from organizer.errors import DomainError

    page = parse_page(data)
    if page is not None:
        return on_page(conv, user_id, page, tg_lang)
    tz, lang = conv.profile(user_id, tg_lang)
    canon, now = conv.canon(), conv.clock()
    press = parse_press(data)
    if press is None or (press.action == "alt" and press.due_date is None):
        return Reply("", answer=say(canon, "button_invalid", lang))
    task = conv.tasks.get(press.task_id)
    if task is None or task.owner != str(user_id):
        # Someone else's task reads exactly like a missing one: nothing is shown.
        return Reply("", answer=say(canon, "not_found", lang, ref=data.split(":")[0]))
    if press.action == "snooze":
        return _snooze(conv, key, task, press, tz, lang, now)
    command: c.TaskCommand
    if press.action == "done":
        command = c.CompleteTask(press.task_id)
    elif press.action == "cancel":
        command = c.CancelTask(press.task_id)
    else:
        command = c.RescheduleTask(press.task_id, press.due_date, press.due_time, tz,
                                   f"[button] {data}")
    meta = {"channel": "telegram", "key": key, "source_text": f"[button] {data}"}
    try:
        outcome = conv.tasks.execute(command, idempotency_key=key, meta=meta)
    except DomainError as exc:
        current = conv.state_reply(task, tz, lang, now)
        return Reply(current.text, current.buttons, answer=refusal(canon, exc, task, lang)[:190])
    assert outcome.task is not None
    reply = conv.state_reply(outcome.task, tz, lang, now, done=press.action == "done")
    return Reply(reply.text, reply.buttons, answer=reply.text.split("\n")[0][:190])


def _snooze(conv: Chat, key: str, task: TaskView, press: Press, tz: str,
            lang: str, now: datetime) -> Reply:
    """Snooze through organizer.reminders (idempotent by the update's key); the reminder
    message then shows the new time, with Done and Cancel."""
    from organizer.errors import DomainError
    from organizer.reminders import snooze

    canon = conv.canon()
    assert press.minutes is not None
    lead = conv.lead(int(task.owner))
    try:
        outcome = snooze(conv.tasks, press.task_id, press.minutes, now, lead_min=lead,
                         idempotency_key=key)
    except (DomainError, ValueError) as exc:  # closed meanwhile, or minutes out of range
        current = conv.state_reply(task, tz, lang, now)
        return Reply(current.text, current.buttons, answer=refusal(canon, exc, task, lang)[:190])
    assert outcome.task is not None
    moved = outcome.task
    if moved.status != "open":  # a redelivered press after the task was closed
        current = conv.state_reply(moved, tz, lang, now)
        return Reply(current.text, current.buttons, answer=current.text.split("\n")[0][:190])
    # "I'll remind you at ...": the reminder's time, the due time less the lead time
    remind_at = datetime.strptime(str(moved.due_at), "%Y-%m-%dT%H:%M:%SZ") \
        - timedelta(minutes=lead)
    when = task_when(canon, replace(moved, due_at=f"{remind_at:%Y-%m-%dT%H:%M:%SZ}"), tz, lang,
                     now)
    text = say(canon, "reminder_snoozed", lang, number=moved.number, title=moved.title,
               when=when)
    return Reply(text, task_buttons(canon, moved, lang), answer=text[:190])
