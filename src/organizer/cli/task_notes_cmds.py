"""`organizer task show|note|history`: a task's notes and its changes, read from its events."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

import typer

from organizer.cli import context
from organizer.cli.task_cmds import UserOpt, _canon, _change, _owner, _service, task_app

if TYPE_CHECKING:
    from organizer.app.tasks import TaskService
    from organizer.store.views import TaskView

RefArg = typer.Argument(..., help="List number or words of the title.")
ANY_STATUS = ("open", "done", "cancelled")


def _task(ref: str, user: str | None) -> tuple[TaskService, TaskView]:
    service = _service()
    task = service.get(service.resolve(_owner(user), ref, statuses=ANY_STATUS))
    assert task is not None
    return service, task


def _zone_and_lang(service: TaskService, task: TaskView) -> tuple[str, str]:
    """The owner's zone and language (their settings, else the defaults)."""
    from organizer.app.users import UserService
    from organizer.domain.users import reply_language

    settings = context.settings()
    found = UserService(service.conn).get(task.owner)
    return (found.tz or settings.default_tz,
            reply_language(found.lang, found.tg_lang, settings.default_lang))


def show(ref: str = RefArg, as_json: bool = typer.Option(False, "--json", help="Print JSON."),
         user: str | None = UserOpt) -> None:
    """Show one task (open, done or cancelled) with its notes.

    Example: organizer task show 3 --json
    """
    with context.errors_to_exit():
        service, task = _task(ref, user)
        notes = service.notes(task.id)
    if as_json:
        context.print_json({**task.to_dict(), "notes": [asdict(n) for n in notes]})
        return
    when = " ".join(x for x in (task.due_date, task.due_time) if x) or "no due date"
    print(f"{task.number}. {task.title} [{task.status}] — {when}")
    for note in notes:
        print(f"  note ({note.at[:16].replace('T', ' ')} UTC): {note.text}")


def note(ref: str = RefArg,
         text: str = typer.Argument(..., help="The note, e.g. 'door code 45K'."),
         user: str | None = UserOpt) -> None:
    """Add a note to a task (a task may have many; `task undo` takes the last one back).

    Example: organizer task note 3 "код домофона 45К"
    """
    from organizer.domain.commands import NoteTask

    if not text.strip():
        raise context.fail("a note cannot be empty; give its words, "
                           'e.g. task note 3 "door code 45K"')
    _change(ref, user, lambda task_id: NoteTask(task_id, text), "noted on", ANY_STATUS)


def history(ref: str = RefArg,
            as_json: bool = typer.Option(False, "--json", help="Print JSON."),
            user: str | None = UserOpt) -> None:
    """Every change of a task, from its events: when, what changed and by what, in the
    owner's language and time zone.

    Example: organizer task history 3
    """
    from organizer.wording.history import history_lines

    with context.errors_to_exit():
        service, task = _task(ref, user)
        changes = service.history(task.id)
        tz, lang = _zone_and_lang(service, task)
    if as_json:
        context.print_json([asdict(change) for change in changes])
        return
    print(_canon().reply("history_header", lang, number=task.number, title=task.title))
    for line in history_lines(_canon(), changes, tz, lang):
        print(line)


def register(app: typer.Typer) -> None:
    """Adds its commands to the `task` group, which task_cmds registers on `app`."""
    task_app.command("show")(show)
    task_app.command("note")(note)
    task_app.command("history")(history)
