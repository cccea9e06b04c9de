"""`organizer migrate` and `organizer ops migrate`: the schema, on the right database only.

`organizer migrate` works on DB_PATH where it runs; it is what the stack's
`migrate` service runs. It creates a new database only loudly, only on
EXPECTED_DB_VOLUME when that is set, and never on a host where a compose
stack of this project exists (the 2026-02-22 shape: a second, empty database
beside the real one) unless `--create-here` says that is meant.

`organizer ops migrate` picks the runtime like every ops command: compose runs
the stack's own `migrate` service (`docker compose run --rm migrate`, volume
check included) and never touches a host path; local is `organizer migrate`.
"""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import TYPE_CHECKING

import typer

from organizer.cli import context
from organizer.cli.ops_support import JsonOpt, RuntimeOpt, compose_target, pick_runtime

VerifyVolumeOpt = typer.Option(False, "--verify-volume",
                               help="Refuse unless DB_PATH is on EXPECTED_DB_VOLUME.")
DryRunOpt = typer.Option(False, "--dry-run", help="List what would run; change nothing.")
CreateHereOpt = typer.Option(
    False, "--create-here",
    help="Create a new database at DB_PATH on this host even though a compose stack of this "
         "project exists here (its database is migrated by `organizer ops migrate`).")
MIGRATE_TIMEOUT_S = 600.0

if TYPE_CHECKING:
    from organizer.settings import Settings


def migrate_command(verify_volume: bool = VerifyVolumeOpt, dry_run: bool = DryRunOpt,
                    as_json: bool = JsonOpt, create_here: bool = CreateHereOpt) -> None:
    """Apply pending schema migrations, each in its own transaction.

    A new database is created only where that is clearly meant: never on a host
    whose compose stack holds the real one (use `organizer ops migrate`).
    Example: organizer migrate --verify-volume
    """
    from organizer.app.database import migrate

    settings = context.settings()
    if not create_here:
        refuse_new_database_beside_stack(settings)
    say = (lambda line: print(line, file=sys.stderr)) if as_json else print
    with context.errors_to_exit():
        report = migrate(settings, dry_run=dry_run, verify=verify_volume, say=say)
    if as_json:
        context.print_json(asdict(report))
    elif dry_run:
        print("would apply: " + (", ".join(report.pending) or "nothing (up to date)"))
    elif not report.applied:
        print(f"up to date at {report.version}")
    else:
        print(f"schema now at {report.version}")


def refuse_new_database_beside_stack(settings: Settings) -> None:
    """Exit 2 when migrate would create a host database while this project's stack exists."""
    from organizer.ops.choose import probe_stack
    from organizer.store.volume import inside_container

    db_path = settings.db_path
    if db_path.exists() or inside_container(db_path):
        return
    stack = probe_stack(compose_target().project)
    if stack.exists:
        raise context.fail(
            f"no database at {db_path} on this host, but {stack.why} exist here: the stack's "
            "database is on its volume — run `organizer ops migrate` (it runs inside the stack), "
            "or pass --create-here if you really mean a new database on this host")


def ops_migrate(verify_volume: bool = VerifyVolumeOpt, dry_run: bool = DryRunOpt,
                as_json: bool = JsonOpt, create_here: bool = CreateHereOpt,
                runtime: str | None = RuntimeOpt) -> None:
    """Migrate the deployment's database: with compose, inside the stack (its `migrate` service).

    Compose: `docker compose run --rm -T migrate migrate --verify-volume`, never a host path.
    Local: the same as `organizer migrate`.
    Example: organizer ops migrate --dry-run
    """
    if pick_runtime(runtime) == "local":
        migrate_command(verify_volume, dry_run, as_json, create_here)
        return
    if create_here:
        raise context.fail("--create-here is for a database on this host, but the compose "
                           "runtime migrates the stack's own; add --runtime local to mean this "
                           "host")
    args = ["run", "--rm", "-T", "migrate", "migrate", "--verify-volume",
            *(["--dry-run"] if dry_run else []), *(["--json"] if as_json else [])]
    with context.errors_to_exit():
        result = compose_target().attempt(*args, timeout=MIGRATE_TIMEOUT_S)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    if result.returncode != 0:
        raise typer.Exit(result.returncode)


def register(app: typer.Typer) -> None:
    app.command("migrate")(migrate_command)
