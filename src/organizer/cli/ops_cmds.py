"""`organizer ops ...`: the prod-v0 checklist as commands."""

from __future__ import annotations

import typer

from organizer.cli.db_cmds import migrate_command

ops_app = typer.Typer(help="Operations: checks, journal, volume, migrations.", no_args_is_help=True)
ops_app.command("migrate")(migrate_command)


def register(app: typer.Typer) -> None:
    app.add_typer(ops_app, name="ops")
