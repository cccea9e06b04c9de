"""`organizer ops ...`: the prod-v0 checklist as commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from organizer.cli import context, ops_journal_cmds
from organizer.cli.migrate_cmds import ops_migrate
from organizer.cli.ops_support import (
    JournalOpt,
    JsonOpt,
    RuntimeOpt,
    exit_for,
    journal_path,
    make_runtime,
    print_results,
    set_compose_options,
)

ops_app = typer.Typer(help="Operations: checks, journal, volume, migrations.", no_args_is_help=True)
ops_app.command("migrate")(ops_migrate)


@ops_app.callback()
def _compose_options(
    project_dir: Path | None = typer.Option(None, "--project-dir", envvar="ORGANIZER_COMPOSE_DIR",
                                            help="The deploy's work tree (default: here)."),
    project: str | None = typer.Option(None, "--compose-project",
                                       envvar="ORGANIZER_COMPOSE_PROJECT",
                                       help="Compose project name (default deploy)."),
    files: list[str] | None = typer.Option(None, "--compose-file",
                                           help="Compose files, repeatable (default deploy/"
                                                "docker-compose.yml + the VPS override)."),
    env_file: str | None = typer.Option(None, "--compose-env-file",
                                        envvar="ORGANIZER_COMPOSE_ENV_FILE",
                                        help="The stack's env file (default deploy/.env.prod)."),
    health_url: str | None = typer.Option(None, "--health-url", envvar="ORGANIZER_HEALTH_URL",
                                          help="Default http://127.0.0.1:8101/health."),
) -> None:
    """Operations on the deployment: auto (default), compose or local runtime.

    Example: organizer ops daily-check --runtime local
    """
    set_compose_options(project_dir=project_dir, project=project, files=files,
                        env_file=env_file, health_url=health_url)


@ops_app.command("daily-check")
def daily_check(
    runtime: str | None = RuntimeOpt,
    as_json: bool = JsonOpt,
    notify: bool = typer.Option(False, "--notify", help="Send the summary to OPS_ADMIN_CHAT_ID."),
    backup: bool = typer.Option(True, "--backup/--no-backup",
                                help="Make and verify today's backup (default) or only look "
                                     "at the latest one."),
    notes: str = typer.Option("", "--notes", help="A note for today's journal entry."),
    stale_after: float | None = typer.Option(None, "--stale-after",
                                             help="Local: heartbeat age that means stopped (s)."),
    journal_file: Path | None = JournalOpt,
) -> None:
    """Run the journal's daily checks concurrently and record "Day N" in the journal; exit 1 on FAIL.

    With OPS_PING_URL set it pings it (healthchecks.io): /start, then success or /fail.
    Example: organizer ops daily-check --notify
    """
    from organizer.ops.daily_run import notify_admin, perform, title

    with context.errors_to_exit():
        rt = make_runtime(runtime, stale_after)
        path = journal_path(journal_file)
        record, results = perform(rt, path, context.settings(), create_backup=backup,
                                  notes=notes)
    if as_json:
        context.print_json({**record, "journal": str(path)})
    else:
        print_results(title(record), results)
        print(f"journal: {path}")
    if notify:
        with context.errors_to_exit():
            notify_admin(context.settings(), record, results)
    exit_for(results)


@ops_app.command("baseline")
def baseline(runtime: str | None = RuntimeOpt, as_json: bool = JsonOpt,
             journal_file: Path | None = JournalOpt) -> None:
    """Record the baseline: date, git SHA, config sha256, services, health, env keys (no values).

    Example: organizer ops baseline
    """
    from organizer.ops import baseline as base
    from organizer.ops import journal

    with context.errors_to_exit():
        rt = make_runtime(runtime)
        path = journal_path(journal_file)
        environment = {**rt.describe(), "journal": str(path),
                       "calendar_mode": _calendar_mode()}
        journal.append(path, "environment", environment)
        record = journal.append(path, "baseline", base.take(rt))
    if as_json:
        context.print_json({**record, "journal": str(path)})
        return
    context.print_table("Baseline", ["what", "value"], [
        ("Date (UTC)", record["at"]), ("Git SHA", record["git_sha"]),
        ("Config SHA256", record["config_sha256"]), ("Services", ", ".join(record["services"])),
        ("Health", record["health"]), ("Env keys", ", ".join(record["env_keys"])),
    ])
    print(f"journal: {path}")


def _calendar_mode() -> str:
    settings = context.settings()
    return "CONFIGURED" if settings.calendar_configured else "NOT_CONFIGURED (allowed)"


@ops_app.command("check")
def check(runtime: str | None = RuntimeOpt, as_json: bool = JsonOpt) -> None:
    """Before a deploy: branch, clean tree, compose config, .env.prod, mounts, ports, canon.

    Example: organizer ops check
    """
    from organizer.ops.predeploy_run import run_predeploy

    with context.errors_to_exit():
        results = run_predeploy(make_runtime(runtime), context.settings(), context.env_file())
    if as_json:
        context.print_json([r.to_json() for r in results])
    else:
        print_results("ops check", results)
    exit_for(results)


@ops_app.command("verify-volume")
def verify_volume(runtime: str | None = RuntimeOpt, as_json: bool = JsonOpt) -> None:
    """Every service's /data is deploy_db_data, DB_PATH=/data/organizer.db, the DB is current.

    Example: organizer ops verify-volume --json
    """
    from organizer.ops.predeploy_run import run_verify_volume

    with context.errors_to_exit():
        results = run_verify_volume(make_runtime(runtime), context.settings())
    if as_json:
        context.print_json([r.to_json() for r in results])
    else:
        print_results("verify-volume", results)
    exit_for(results)


@ops_app.command("probe", hidden=True)
def probe(runtime: str | None = RuntimeOpt, as_json: bool = JsonOpt) -> None:
    """The database-side facts the checks use, gathered where the database is (JSON).

    The compose runtime runs it inside a service container (docker compose exec -T).
    Example: organizer ops probe --runtime local --json
    """
    from organizer.ops.probe import gather

    facts: dict[str, Any]
    with context.errors_to_exit():
        facts = gather(context.settings()) if runtime != "compose" else make_runtime(
            runtime).probe()
    context.print_json(facts)


ops_journal_cmds.add(ops_app)


def register(app: typer.Typer) -> None:
    app.add_typer(ops_app, name="ops")
