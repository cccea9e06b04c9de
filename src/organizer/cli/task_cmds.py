"""`organizer task ...`: the operator's channel, through the same command path as the bot."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

import typer

from organizer.cli import context

if TYPE_CHECKING:
    from organizer.app.tasks import Outcome, TaskService
    from organizer.store.views import TaskView

task_app = typer.Typer(help="Add, list and change tasks (the operator's channel).",
                       no_args_is_help=True)
UserOpt = typer.Option(None, "--user", help="Owner id (default: first TG_ALLOWED_USER_IDS).")


def _service() -> TaskService:
    from organizer.bootstrap import bootstrap

    return bootstrap(context.settings()).tasks()


def _owner(user: str | None) -> str:
    return user or context.settings().default_owner


def _repeat_words(task: TaskView, *, short: bool = False) -> str:
    """"↻ каждый понедельник" for a repeating task (in DEFAULT_LANG), else ""."""
    from organizer.wording import rule_text

    if not task.repeat:
        return ""
    lang = context.settings().default_lang
    canon = _canon()
    return str(canon.reply("repeat_marker", lang,
                           repeat=rule_text(canon, task.repeat, lang, short=short)))


@cache
def _canon() -> Any:
    """The canon, loaded once per command: the words of a repeat rule come from it."""
    from organizer.canon import load_canon

    return load_canon(context.settings().canon_path)


def _say(outcome: Outcome, verb: str) -> None:
    task = outcome.task
    if task is None:
        print(verb)
        return
    when = " ".join(x for x in (task.due_date, task.due_time) if x)
    if verb == "done" and task.status == "open" and task.repeat:
        verb, when = "done this time:", f"next {when}"  # a repeating task moved on
    suffix = f" — {when}" if when else ""
    repeat = _repeat_words(task)
    repeat = f" {repeat}" if repeat else ""
    note = " (already done before)" if outcome.duplicate else ""
    print(f"{verb} {task.number}. {task.title}{suffix}{repeat} [{task.status}]{note}")


@task_app.command("add")
def add(text: str = typer.Argument(..., help="What to do, with an optional date and time."),
        user: str | None = UserOpt) -> None:
    """Add a task; dates, times and repetition in the text are understood as the bot does.

    Example: organizer task add "каждый понедельник в 9 планёрка"
    """
    from organizer.app.understand import read_task

    with context.errors_to_exit():
        settings = context.settings()
        service = _service()
        command = read_task(text, _owner(user), settings, now=service.clock())
        _say(service.execute(command, meta={"channel": "cli"}), "added")


@task_app.command("list")
def list_(all_: bool = typer.Option(False, "--all", help="Include done and cancelled tasks."),
          as_json: bool = typer.Option(False, "--json", help="Print JSON."),
          user: str | None = typer.Option(None, "--user", help="Only this owner's tasks.")) -> None:
    """List open tasks (all owners unless --user), each owner's in the order of the bot's
    lists: overdue first, then by due time (DEFAULT_TZ), tasks without a date last.

    Example: organizer task list --all --json
    """
    from organizer.app.agenda import in_agenda_order

    with context.errors_to_exit():
        service = _service()
        rows = in_agenda_order(service.list(user, include_closed=all_),
                               context.settings().default_tz, service.clock())
        if as_json:
            context.print_json([r.to_dict() for r in rows])
            return
        table = [(r.owner, r.number, r.title, r.status,
                  " ".join(x for x in (r.due_date, r.due_time) if x),
                  _repeat_words(r, short=True),
                  "cannot hold it" if r.not_in_calendar else "") for r in rows]
    context.print_table(None, ["owner", "#", "title", "status", "due", "repeat", "calendar"],
                        table)


def _change(ref: str, user: str | None, make: Any, verb: str,
            statuses: tuple[str, ...] = ("open",)) -> None:
    with context.errors_to_exit():
        service = _service()
        task_id = service.resolve(_owner(user), ref, statuses=statuses)
        _say(service.execute(make(task_id), meta={"channel": "cli"}), verb)


@task_app.command("done")
def done(ref: str = typer.Argument(..., help="List number or words of the title."),
         user: str | None = UserOpt) -> None:
    """Mark a task done; a repeating task moves on to its next time and stays open.

    Example: organizer task done 3
    """
    from organizer.domain.commands import CompleteTask

    _change(ref, user, CompleteTask, "done")


@task_app.command("cancel")
def cancel(ref: str = typer.Argument(..., help="List number or words of the title."),
           user: str | None = UserOpt) -> None:
    """Cancel a task.

    Example: organizer task cancel молоко
    """
    from organizer.domain.commands import CancelTask

    _change(ref, user, CancelTask, "cancelled")


@task_app.command("reopen")
def reopen(ref: str = typer.Argument(..., help="List number or words of the title."),
           user: str | None = UserOpt) -> None:
    """Reopen a done or cancelled task.

    Example: organizer task reopen 3
    """
    from organizer.domain.commands import ReopenTask

    _change(ref, user, ReopenTask, "reopened", statuses=("done", "cancelled"))


@task_app.command("reschedule")
def reschedule(ref: str = typer.Argument(..., help="List number or words of the title."),
               when: str = typer.Argument(..., help="New date/time, e.g. 'tomorrow at 11' or '20.12 18:00'."),
               user: str | None = UserOpt) -> None:
    """Move a task to another date or time.

    Example: organizer task reschedule 3 "в пятницу в 18:00"
    """
    from organizer.app.understand import read_when
    from organizer.domain.commands import RescheduleTask

    with context.errors_to_exit():
        settings = context.settings()
        service = _service()
        task_id = service.resolve(_owner(user), ref)
        due_date, due_time = read_when(when, settings, now=service.clock())
        command = RescheduleTask(task_id, due_date, due_time, settings.default_tz, when)
        _say(service.execute(command, meta={"channel": "cli"}), "rescheduled")


@task_app.command("rename")
def rename(ref: str = typer.Argument(..., help="List number or words of the title."),
           title: str = typer.Argument(..., help="The new title."),
           user: str | None = UserOpt) -> None:
    """Give a task a new title.

    Example: organizer task rename 3 "позвонить маме и папе"
    """
    from organizer.domain.commands import RetitleTask

    if not title.strip():
        raise context.fail("a title cannot be empty; give the new title, "
                           'e.g. task rename 3 "call the bank"')
    _change(ref, user, lambda task_id: RetitleTask(task_id, title), "renamed")


@task_app.command("undo")
def undo(user: str | None = UserOpt) -> None:
    """Undo the owner's last change (a compensating event; nothing is deleted).

    Example: organizer task undo --user 123456789
    """
    from organizer.domain.commands import Undo

    with context.errors_to_exit():
        outcome = _service().execute(Undo(_owner(user)), meta={"channel": "cli"})
    _say(outcome, "undone:")


def register(app: typer.Typer) -> None:
    app.add_typer(task_app, name="task")


