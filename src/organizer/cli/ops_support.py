"""What the ops and backup commands share: picking the runtime, the journal, printing checks."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import typer

from organizer.cli import context

RuntimeOpt = typer.Option(
    None, "--runtime", help="compose (the prod stack, default) or local (an `organizer run` here); "
                            "default ORGANIZER_RUNTIME.")
JsonOpt = typer.Option(False, "--json", help="Print JSON.")
JournalOpt = typer.Option(None, "--journal", help="The journal record file (default: ORGANIZER_"
                          "JOURNAL, else ops/journal/journal.jsonl or <data>/ops/journal.jsonl).")

_compose: dict[str, Any] = {}


def set_compose_options(**options: Any) -> None:
    _compose.clear()
    _compose.update({k: v for k, v in options.items() if v})


def runtime_name(name: str | None) -> str:
    chosen = (name or context.settings().runtime).lower()
    if chosen not in ("compose", "local"):
        raise context.fail(f"--runtime {chosen!r} is not compose or local; pick one")
    return chosen


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
    """The runtime the command inspects."""
    chosen = runtime_name(name)
    if chosen == "compose":
        from organizer.ops.compose import ComposeRuntime

        return ComposeRuntime(compose_target())
    from organizer.ops.local import STALE_AFTER_S, LocalRuntime

    env_file = context.env_file()
    return LocalRuntime(context.settings(), env_file if env_file.exists() else None,
                        stale_after=stale_after or STALE_AFTER_S)


def journal_path(runtime_kind: str, given: Path | None) -> Path:
    from organizer.ops.journal import default_path

    if given is not None:
        return given.absolute()
    project = compose_target().project_dir if runtime_kind == "compose" else Path.cwd()
    return default_path(runtime_kind, context.settings().data_dir, project)


def print_results(title: str, results: list[Any]) -> None:
    """Checks as a Rich table on a TTY, plain aligned lines otherwise."""
    context.print_table(title, ["check", "status", "reason"],
                        [(r.label, r.status.value, r.reason) for r in results])


def exit_for(results: list[Any]) -> None:
    from organizer.ops.model import Status

    if any(r.status is Status.FAIL for r in results):
        raise typer.Exit(1)
