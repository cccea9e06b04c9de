"""The `organizer` application: global options and the command groups.

Each group lives in its own module and registers itself; heavy libraries
(aiogram, googleapiclient, litestar, uvicorn) are imported inside the commands
that use them, so `organizer --help` stays at Typer's own start-up cost.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from organizer.cli import context

app = typer.Typer(
    name="organizer",
    help="Self-hosted personal organizer: daemons, tasks, migrations, backups and ops checks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def _global(
    env_file: Path | None = typer.Option(
        None, "--env-file",
        help="Env file read under the real environment (default ./.env, if it exists).",
    ),
) -> None:
    """Self-hosted personal organizer.

    Example: organizer --env-file .env.prod config show
    """
    if env_file is not None and not env_file.is_file():
        # Named on purpose: running on without it would mean other settings (another DB_PATH).
        what = "is a directory" if env_file.is_dir() else "no such file"
        raise context.fail(f"--env-file {env_file}: {what}; give the path of an existing "
                           "env file, or leave the option out")
    context.set_env_file(env_file or Path(".env"))


def _register() -> None:
    from organizer.cli import commands

    for module in commands.MODULES:
        module.register(app)


_register()


def main() -> None:
    for index, argument in enumerate(sys.argv[1:], start=1):
        if not _is_utf8(argument):
            print(f"Error: argument {index} is not valid UTF-8 text; "
                  "set a UTF-8 locale (LANG=C.UTF-8) or retype it", file=sys.stderr)
            sys.exit(2)
    app()


def _is_utf8(argument: str) -> bool:
    """False for bytes the locale could not decode (Python keeps them as lone surrogates)."""
    try:
        argument.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
