"""What the bot does with one message from an allowed person: text → canon parser → command.

Synchronous and free of Telegram types: the handlers run it in the bot's database
thread. Every state change goes through TaskService / UserService with the
update's idempotency key, so a redelivered update changes nothing twice.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from organizer.app.tasks import TaskService
from organizer.app.users import UserService
from organizer.bot import agenda, digest_setting, preferences, task_notes
from organizer.bot.chat import Incoming
from organizer.bot.keyboards import task_buttons
from organizer.bot.replies import Reply, say
from organizer.clock import utcnow
from organizer.domain import commands as c
from organizer.domain.users import lead_minutes, reply_language
from organizer.errors import AmbiguousRef, DomainError, NothingToUndo, TaskNotFound
from organizer.settings import Settings
from organizer.store.views import TaskView
from organizer.wording import rule_text, task_when, when_text

if TYPE_CHECKING:
    from organizer.canon import Canon

class Conversation:
    """Turns a person's text into commands and replies, on one connection."""

    def __init__(self, conn: sqlite3.Connection, settings: Settings,
                 canon: Callable[[], Canon], clock: Callable[[], datetime] = utcnow) -> None:
        self.conn, self.settings, self.canon, self.clock = conn, settings, canon, clock
        self.tasks = TaskService(conn, clock)
        self.users = UserService(conn, clock)

    # -- who and how ----------------------------------------------------------

    def allowed(self, user_id: int) -> bool:
        return user_id in self.settings.tg_allowed_user_ids

    def profile(self, user_id: int, tg_lang: str | None = None) -> tuple[str, str]:
        """(time zone, language) of the person: their settings, else the defaults.

        The language is the one reminders use too (organizer.domain.users): /lang,
        else Telegram's language_code (this message's, else the recorded one),
        else DEFAULT_LANG.
        """
        found = self.users.get(str(user_id))
        lang = reply_language(found.lang, tg_lang or found.tg_lang, self.settings.default_lang)
        return found.tz or self.settings.default_tz, lang

    def lead(self, user_id: int) -> int:
        """Minutes before a due time the person's reminders come."""
        return lead_minutes(self.users.get(str(user_id)).lead_min,
                            self.settings.reminder_lead_min)

    def notice(self, msg: Incoming) -> None:
        """Record Telegram's language_code for an allowed person when it is new or changed."""
        self.users.note_telegram_lang(str(msg.user_id), msg.tg_lang,
                                      meta={"channel": "telegram", "key": msg.key})

    def denied(self, msg: Incoming) -> Reply:
        _, lang = self.profile(msg.user_id, msg.tg_lang)
        return Reply(say(self.canon(), "start_denied", lang, user_id=msg.user_id))

    def start(self, msg: Incoming) -> Reply:
        if not self.allowed(msg.user_id):
            return self.denied(msg)
        _, lang = self.profile(msg.user_id, msg.tg_lang)
        canon = self.canon()
        return Reply(say(canon, "start_allowed", lang) + "\n"
                     + say(canon, "start_id", lang, user_id=msg.user_id))

    # -- text -------------------------------------------------------------------

    def on_text(self, msg: Incoming) -> Reply:
        """Parse the text and act on it; DomainErrors become replies."""
        from organizer.parsing import parse

        tz, lang = self.profile(msg.user_id, msg.tg_lang)
        now = self.clock()
        canon = self.canon()
        parsed = parse(msg.text, now, tz, canon, replying=msg.reply_task is not None)
        owner = str(msg.user_id)
        try:
            return self._act(parsed, msg, owner, tz, lang, now)
        except TaskNotFound:
            return Reply(say(canon, "not_found", lang, ref=parsed.ref or msg.text))
        except AmbiguousRef as exc:
            count = re.search(r"matches (\d+) tasks", str(exc))
            return Reply(say(canon, "ambiguous", lang, ref=parsed.ref or msg.text,
                             count=count.group(1) if count else "2+"))
        except NothingToUndo:
            return Reply(say(canon, "nothing_to_undo", lang))
        except DomainError as exc:
            return Reply(say(canon, "error", lang, message=str(exc)))

    def _act(self, parsed: Any, msg: Incoming, owner: str, tz: str, lang: str,
             now: datetime) -> Reply:
        canon, intent = self.canon(), parsed.intent
        meta = self.meta(msg)
        invalid = getattr(parsed, "invalid_date", None)
        if invalid and intent in ("add_task", "reschedule_task"):  # "31.02": ask, never guess
            return Reply(say(canon, "date_invalid", lang, date=invalid))
        if intent == "add_task" and parsed.title:
            command = c.AddTask(owner, parsed.title, parsed.due_date, parsed.due_time, tz,
                                msg.text, repeat=getattr(parsed, "repeat", None))
            outcome = self.tasks.execute(command, idempotency_key=msg.key, meta=meta)
            assert outcome.task is not None
            # the other reading of an ambiguous hour would move one time, not the rule
            alternative = None if outcome.task.repeat else _alternative(parsed)
            return self.created(outcome.task, tz, lang, now, alternative)
        if intent == "list_tasks":
            return self.listing(owner, parsed.scope or "all", tz, lang, now)
        if intent in ("complete_task", "cancel_task") and parsed.ref:
            task_id = self.tasks.resolve(owner, parsed.ref)
            command_cls = c.CompleteTask if intent == "complete_task" else c.CancelTask
            outcome = self.tasks.execute(command_cls(task_id), idempotency_key=msg.key,
                                         meta=meta)
            assert outcome.task is not None
            return self.state_reply(outcome.task, tz, lang, now, done=command_cls is c.CompleteTask)
        if intent == "reschedule_task" and parsed.ref and parsed.due_date:
            task_id = self.tasks.resolve(owner, parsed.ref)
            move = c.RescheduleTask(task_id, parsed.due_date, parsed.due_time, tz, msg.text)
            outcome = self.tasks.execute(move, idempotency_key=msg.key, meta=meta)
            assert outcome.task is not None
            moved = self.state_reply(outcome.task, tz, lang, now)
            words = getattr(parsed, "repeat_words", None)
            note = "\n" + say(canon, "repeat_move_only", lang, repeat=words) if words else ""
            return Reply(moved.text + note, moved.buttons)
        if intent == "undo":
            outcome = self.tasks.execute(c.Undo(owner), idempotency_key=msg.key, meta=meta)
            undone = outcome.task
            what = f"{undone.number}. {undone.title}" if undone else "None. None"
            return Reply(say(canon, "undo_done", lang, what=what))
        if intent == "help":
            return Reply(say(canon, "help", lang))
        if intent in task_notes.INTENTS:  # notes, one task shown, its history, a new title
            return task_notes.act(self, parsed, msg, tz, lang, now)
        if intent == "set_digest":  # "/digest 8:00", "присылай сводку в 8 утра"
            return digest_setting.digest(self, msg, parsed)
        if intent == "set_reminder_lead":  # "напоминай за 30 минут": /remind 30
            return preferences.remind_in_words(self, msg, getattr(parsed, "lead_min", None),
                                               getattr(parsed, "lead_words", None))
        return Reply(say(canon, "unknown", lang))

    def meta(self, msg: Incoming) -> dict[str, Any]:
        source = "reply" if msg.reply_task else msg.source  # what history says made a change
        return {"channel": "telegram", "key": msg.key, "source_text": msg.text, "source": source}

    # -- replies about tasks -----------------------------------------------------

    def created(self, task: TaskView, tz: str, lang: str, now: datetime,
                alternative: tuple[date, time | None] | None = None) -> Reply:
        canon = self.canon()
        when = task_when(canon, task, tz, lang, now)
        if when:
            text = say(canon, "task_created", lang, number=task.number, title=task.title,
                       when=when)
        else:
            text = say(canon, "task_created_no_time", lang, number=task.number, title=task.title)
        if task.repeat:
            text += "\n" + say(canon, "repeat_set", lang, repeat=rule_text(canon, task.repeat, lang))
        alt_label = None
        if alternative is not None:
            today = now.astimezone(ZoneInfo(tz)).date()
            alt_label = when_text(canon, alternative[0], alternative[1], lang, today)
            text += "\n" + say(canon, "ambiguous_time", lang, when=when, alternative=alt_label)
        return Reply(text, task_buttons(canon, task, lang, alternative, alt_label))

    def state_reply(self, task: TaskView, tz: str, lang: str, now: datetime,
                    done: bool = False) -> Reply:
        """The task's current state in words; open tasks keep their buttons. `done`: the
        person just did it, so a repeating task that is still open says its next time."""
        canon = self.canon()
        values = {"number": task.number, "title": task.title}
        if done and task.status == "open" and task.repeat:
            return Reply(say(canon, "task_done_next", lang,
                             when=task_when(canon, task, tz, lang, now), **values),
                         task_buttons(canon, task, lang))
        if task.status == "done":
            return Reply(say(canon, "task_done", lang, **values))
        if task.status == "cancelled":
            return Reply(say(canon, "task_cancelled", lang, **values))
        when = task_when(canon, task, tz, lang, now)
        if task.version > 1 and when:
            text = say(canon, "task_rescheduled", lang, when=when, **values)
        elif when:
            text = say(canon, "task_created", lang, when=when, **values)
        else:
            text = say(canon, "task_created_no_time", lang, **values)
        return Reply(text, task_buttons(canon, task, lang))

    def listing(self, owner: str, scope: str, tz: str, lang: str, now: datetime) -> Reply:
        """The owner's open tasks in `scope`, grouped by day, first page (organizer.bot.agenda)."""
        return agenda.listing(self.tasks, self.canon(), owner, scope, tz, lang, now)


def _alternative(parsed: Any) -> tuple[date, time | None] | None:
    """The other reading of an ambiguous time, in whatever shape the parser gives it."""
    alt = getattr(parsed, "alternative", None)
    if alt is None:
        return None
    if isinstance(alt, tuple):
        return alt[0], alt[1]
    if isinstance(alt, dict):
        day, at = alt.get("due_date"), alt.get("due_time")
    else:
        day, at = getattr(alt, "due_date", None), getattr(alt, "due_time", None)
    if isinstance(day, str):
        day = date.fromisoformat(day)
    if isinstance(at, str):
        at = time.fromisoformat(at)
    return (day, at) if isinstance(day, date) else None
