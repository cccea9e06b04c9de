"""What the ops and backup commands share: picking the runtime, the journal, printing checks."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import typer

from organizer.cli import context

RuntimeOpt = typer.Option(
    None, "--runtime", help="auto (default: compose when the compose project has containers, "
                            "else local), compose (the prod stack) or local (an `organizer run` "
                            "here); default ORGANIZER_RUNTIME.")
JsonOpt = typer.Option(False, "--json", help="Print JSON.")
JournalOpt = typer.Option(None, "--journal", help="The journal record file (default: ORGANIZER_"
                          "JOURNAL, else ops/journal/journal.jsonl in the deploy's work tree).")

_compose: dict[str, Any] = {}


def set_compose_options(**options: Any) -> None:
    _compose.clear()
    _compose.update({k: v for k, v in options.items() if v})


def pick_runtime(name: str | None) -> str:
    """compose or local, as asked or (auto) by the project's containers; says so on stderr.

    The line goes to stderr so that --json output stays one JSON document. When
    compose is picked, a missing docker CLI, Compose plugin or engine ends the
    command here with one line naming the fix.
    """
    from organizer.ops.choose import choose

    source = "--runtime" if name else "ORGANIZER_RUNTIME"
    target = compose_target()
    with context.errors_to_exit():
        choice = choose(name or context.settings().runtime, source, target.project)
    print(choice.line(), file=sys.stderr)
    if choice.name == "compose":
        with context.errors_to_exit():
            target.preflight()
    return choice.name


def compose_target() -> Any:
    from organizer.ops.compose import ComposeTarget

    target = ComposeTarget.from_environment()
    if "project_dir" in _compose:
        target.project_dir = Path(_compose["project_dir"]).absolute()
        if "env_file" not in _compose and not os.environ.get("ORGANIZER_COMPOSE_ENV_FILE"):
            target.env_file = target.default_env_file()
    if "project" in _compose:
        target.project = _compose["project"]
    if "files" in _compose:
        target.files = tuple(_compose["files"])
    if "env_file" in _compose:
        target.env_file = _compose["env_file"]
    if "health_url" in _compose:
        target.health_url = _compose["health_url"]
    return target


def make_runtime(name: str | None, stale_after: float | None = None) -> Any:
    """The runtime the command inspects, picked (and named on stderr) by `pick_runtime`."""
    return build_runtime(pick_runtime(name), stale_after)


def build_runtime(kind: str, stale_after: float | None = None) -> Any:
    """A runtime of a kind already picked: compose or local."""
    if kind == "compose":
        from organizer.ops.compose import ComposeRuntime

        return ComposeRuntime(compose_target())
    from organizer.ops.local import STALE_AFTER_S, LocalRuntime

    env_file = context.env_file()
    return LocalRuntime(context.settings(), env_file if env_file.exists() else None,
                        stale_after=stale_after or STALE_AFTER_S)


def journal_path(given: Path | None) -> Path:
    """The one journal every ops command reads and writes, whatever the runtime."""
    from organizer.ops.journal import default_path

    if given is not None:
        return given.absolute()
    return default_path(compose_target().project_dir)


def print_results(title: str, results: list[Any]) -> None:
    """Checks as a Rich table on a TTY, plain aligned lines otherwise."""
    context.print_table(title, ["check", "status", "reason"],
                        [(r.label, r.status.value, r.reason) for r in results])


def exit_for(results: list[Any]) -> None:
    from organizer.ops.model import Status

    if any(r.status is Status.FAIL for r in results):
        raise typer.Exit(1)
