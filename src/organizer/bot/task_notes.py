"""A task's notes, its history, its title: "заметка к 3: код домофона 45К", "покажи 3",
"история 3", "переименуй 3 в позвонить папе" (and /note, /task, /history, /rename).

Like the conversation, synchronous and free of Telegram types; a change goes through
TaskService with the update's idempotency key, so a redelivered message notes once.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from organizer.bot.keyboards import task_buttons
from organizer.bot.replies import Reply, refusal, say
from organizer.domain import commands as c
from organizer.errors import InvalidTransition, NoteTooLong, TaskNotFound
from organizer.wording import task_when
from organizer.wording.history import history_lines

if TYPE_CHECKING:
    from organizer.bot.chat import Chat, Incoming
    from organizer.parsing.model import Parsed
    from organizer.store.views import TaskView

INTENTS = ("note_task", "show_task", "task_history", "rename_task")
ANY_STATUS = ("open", "done", "cancelled")


def act(conv: Chat, parsed: Parsed, msg: Incoming, tz: str, lang: str, now: datetime) -> Reply:
    """The reply to one of INTENTS; TaskNotFound (a number that is not this person's task)
    and other DomainErrors are the conversation's to word."""
    canon, owner, intent = conv.canon(), str(msg.user_id), parsed.intent
    if intent == "note_task" and not parsed.ref and msg.reply_task:  # "заметка: ..." in a reply
        replied = conv.tasks.get(msg.reply_task)
        if replied is None or replied.owner != owner:
            raise TaskNotFound(f"task {msg.reply_task} is not this person's")
        return _note(conv, parsed, msg, msg.reply_task, lang)
    if not parsed.ref:
        return Reply(say(canon, "unknown", lang))
    if intent == "rename_task":
        task_id = conv.tasks.resolve(owner, parsed.ref, statuses=ANY_STATUS)
        try:
            outcome = conv.tasks.execute(c.RetitleTask(task_id, parsed.title or ""),
                                         idempotency_key=msg.key, meta=conv.meta(msg))
        except InvalidTransition as exc:  # a done or cancelled task keeps its title
            task = conv.tasks.get(task_id)
            assert task is not None
            return Reply(refusal(canon, exc, task, lang))
        assert outcome.task is not None
        return Reply(say(canon, "task_renamed", lang, number=outcome.task.number,
                         title=outcome.task.title))
    task_id = conv.tasks.resolve(owner, parsed.ref, statuses=ANY_STATUS)
    if intent == "note_task":
        return _note(conv, parsed, msg, task_id, lang)
    task = conv.tasks.get(task_id)
    assert task is not None
    if intent == "task_history":
        lines = history_lines(canon, conv.tasks.history(task_id), tz, lang)
        header = say(canon, "history_header", lang, number=task.number, title=task.title)
        return Reply("\n".join([header, *lines]))
    return show(conv, task, tz, lang, now)


def _note(conv: Chat, parsed: Parsed, msg: Incoming, task_id: str, lang: str) -> Reply:
    canon = conv.canon()
    if not parsed.text:
        return Reply(say(canon, "note_empty", lang))
    try:
        outcome = conv.tasks.execute(c.NoteTask(task_id, parsed.text), idempotency_key=msg.key,
                                     meta=conv.meta(msg))
    except NoteTooLong as exc:
        return Reply(say(canon, "note_too_long", lang, length=exc.length, limit=exc.limit))
    task = outcome.task
    assert task is not None
    return Reply(say(canon, "note_added", lang, number=task.number, title=task.title,
                     count=len(conv.tasks.notes(task_id))))


def show(conv: Chat, task: TaskView, tz: str, lang: str, now: datetime) -> Reply:
    """The task, its due time and state in words, then its notes, one a line; an open task
    keeps its buttons (and a reply to this message with "заметка: ..." notes on it)."""
    canon = conv.canon()
    when = task_when(canon, task, tz, lang, now)
    values = {"number": task.number, "title": task.title,
              "status": say(canon, f"task_status.{task.status}", lang)}
    text = (say(canon, "task_show", lang, when=when, **values) if when
            else say(canon, "task_show_no_time", lang, **values))
    notes = [say(canon, "task_show_note", lang, text=note.text)
             for note in conv.tasks.notes(task.id)]
    return Reply("\n".join([text, *notes]), task_buttons(canon, task, lang))
