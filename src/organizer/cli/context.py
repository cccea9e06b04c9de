"""What every command shares: settings from --env-file, output mode, error mapping."""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from organizer.errors import OrganizerError

if TYPE_CHECKING:
    from organizer.settings import Settings


_state: dict[str, Any] = {"env_file": Path(".env")}


def set_env_file(path: Path) -> None:
    _state["env_file"] = path
    _state.pop("settings", None)


def env_file() -> Path:
    return Path(_state["env_file"])


def settings() -> Settings:
    """The validated settings; a bad value ends the command with exit 2."""
    if "settings" not in _state:
        from organizer.settings import load_settings

        with errors_to_exit():
            _state["settings"] = load_settings(env_file=env_file())
    return _state["settings"]  # type: ignore[no-any-return]


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print one `Error: ...` line to stderr and return the Exit to raise."""
    print(f"Error: {message}", file=sys.stderr)
    return typer.Exit(code=code)


def warn(message: str) -> None:
    """One `Warning: ...` line on stderr: worth knowing, not an error."""
    print(f"Warning: {message}", file=sys.stderr)


@contextmanager
def errors_to_exit() -> Iterator[None]:
    """Turn an OrganizerError into one line on stderr and its exit code.

    An sqlite3 error that a read outside any transaction let through (a damaged
    page met by a plain SELECT) is translated by the store first.
    """
    try:
        yield
    except OrganizerError as exc:
        raise fail(str(exc), exc.exit_code) from None
    except sqlite3.Error as exc:
        from organizer.store.db import translate

        error = translate(exc)
        raise fail(str(error), error.exit_code) from None


def is_tty() -> bool:
    return sys.stdout.isatty()


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def print_table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A Rich table on a terminal, tab-free plain lines otherwise (ssh, cron, pipes)."""
    if is_tty():
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title)
        for column in columns:
            table.add_column(column)
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        Console(markup=False).print(table)
        return
    if title:
        print(title)
    widths = [len(c) for c in columns]
    text_rows = [["" if v is None else str(v) for v in row] for row in rows]
    for row in text_rows:
        widths = [max(w, len(v)) for w, v in zip(widths, row, strict=True)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    for row in text_rows:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
