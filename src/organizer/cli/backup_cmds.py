"""`organizer backup ...`: online backups, the restore drill, retention and restore.

In the compose runtime every command runs inside a service container
(`docker compose exec -T`), where the database is; `restore` stops the
writers, restores through a one-off container on the same volume and starts
them again, whatever happened in between.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import typer

from organizer.cli import context
from organizer.cli.ops_support import JsonOpt, RuntimeOpt, build_runtime, pick_runtime

backup_app = typer.Typer(help="Online backups, restore drills, retention and restore.",
                         no_args_is_help=True)
WRITERS = ("api", "worker", "telegram-bot")


def _in_compose(runtime: str | None, *args: str, timeout: float = 120) -> dict[str, Any] | None:
    """Run this backup command inside the stack when the runtime is compose."""
    if pick_runtime(runtime) != "compose":
        return None
    with context.errors_to_exit():
        result: dict[str, Any] = build_runtime("compose").organizer("backup", *args,
                                                                   timeout=timeout)
    return result


@backup_app.command("create")
def create(reason: str = typer.Option("manual", "--reason", help="Recorded with the backup."),
           verify: bool = typer.Option(False, "--verify", help="Run the restore drill on it."),
           runtime: str | None = RuntimeOpt, as_json: bool = JsonOpt) -> None:
    """Copy the live database with SQLite's online backup (mode 0600, sha256 recorded).

    Example: organizer backup create --verify
    """
    from organizer.ops.backups import create_and_verify
    from organizer.store.backup import create_backup

    args = ["create", "--reason", reason] + (["--verify"] if verify else [])
    result = _in_compose(runtime, *args)
    if result is None:
        settings = context.settings()
        with context.errors_to_exit():
            if verify:
                result = create_and_verify(settings.db_path, settings.backup_dir, reason)
            else:
                result = {"record": asdict(create_backup(settings.db_path, settings.backup_dir,
                                                         reason))}
    if as_json:
        context.print_json(result)
    else:
        record = result["record"]
        print(f"backup {record['file']}: {record['events']} events, sha256 "
              f"{record['sha256'][:16]}, {record['size']} bytes")
        if "drill" in result:
            print(f"restore drill: {result['drill']['reason']}")
    if "drill" in result and not result["drill"]["ok"]:
        raise typer.Exit(1)


@backup_app.command("list")
def list_(runtime: str | None = RuntimeOpt, as_json: bool = JsonOpt) -> None:
    """List the backups in BACKUP_DIR, oldest first.

    Example: organizer backup list --json
    """
    from organizer.store.backup import read_records

    result = _in_compose(runtime, "list", timeout=30)
    rows = result["result"] if result is not None else [
        asdict(r) for r in read_records(context.settings().backup_dir)]
    if as_json:
        context.print_json(rows)
        return
    context.print_table(None, ["file", "created", "reason", "events", "size"],
                        [(r["file"], r["created_at"], r["reason"], r["events"], r["size"])
                         for r in rows])


@backup_app.command("verify")
def verify(file: str | None = typer.Argument(None, help="A backup file (default: the newest)."),
           runtime: str | None = RuntimeOpt, as_json: bool = JsonOpt) -> None:
    """Restore drill: open a copy, integrity_check, compare the event log, rebuild projections.

    Example: organizer backup verify organizer-20260222T000000000000Z.db
    """
    from organizer.ops.backups import drill, resolve

    result = _in_compose(runtime, "verify", *([file] if file else []))
    if result is None:
        with context.errors_to_exit():
            result = drill(resolve(context.settings().backup_dir, file)).to_json()
    if as_json:
        context.print_json(result)
    else:
        context.print_table(result["file"], ["step", "ok", "detail"],
                            [(s["step"], "OK" if s["ok"] else "FAIL", s["detail"])
                             for s in result["steps"]])
        print(("OK: " if result["ok"] else "FAIL: ") + result["reason"])
    if not result["ok"]:
        raise typer.Exit(1)


@backup_app.command("prune")
def prune(daily: int = typer.Option(7, "--daily", min=0, help="Newest of each of N last days."),
          weekly: int = typer.Option(4, "--weekly", min=0, help="Newest of each of M last weeks."),
          dry_run: bool = typer.Option(False, "--dry-run", help="Only say what would go."),
          runtime: str | None = RuntimeOpt, as_json: bool = JsonOpt) -> None:
    """Delete backups beyond the retention: N daily and M weekly (the newest is always kept).

    Example: organizer backup prune --daily 7 --weekly 4 --dry-run
    """
    from organizer.ops.backups import prune as do_prune

    args = ["prune", "--daily", str(daily), "--weekly", str(weekly)] + \
        (["--dry-run"] if dry_run else [])
    result = _in_compose(runtime, *args, timeout=60)
    if result is None:
        result = do_prune(context.settings().backup_dir, daily, weekly, dry_run)
    if as_json:
        context.print_json(result)
        return
    verb = "would delete" if dry_run else "deleted"
    print(f"kept {len(result['kept'])}, {verb} {len(result['deleted'])}")
    for name in result["deleted"]:
        print(f"  {verb} {name}")


@backup_app.command("restore")
def restore(file: str = typer.Argument(..., help="The backup to restore (path or file name)."),
            at: str | None = typer.Option(None, "--at", help="Restore the state as of this "
                                                            "moment of the event log (ISO 8601)."),
            force: bool = typer.Option(False, "--force", help="Local: restore even though "
                                                              "daemons look alive."),
            runtime: str | None = RuntimeOpt, as_json: bool = JsonOpt) -> None:
    """Verify FILE, back up the current DB, then restore (in compose: writers stopped meanwhile).

    Example: organizer backup restore organizer-20260222T000000000000Z.db --at 2026-02-22T14:00:00Z
    """
    from organizer.ops.restore import parse_at, to_json
    from organizer.ops.restore import restore as do_restore

    with context.errors_to_exit():
        moment = parse_at(at) if at else None
    if pick_runtime(runtime) == "compose":
        result = _restore_compose(file, at)
    else:
        settings = context.settings()
        if not force:
            _refuse_if_alive(settings)
        with context.errors_to_exit():
            result = to_json(do_restore(settings, file, moment))
    if as_json:
        context.print_json(result)
        return
    state = f" as of {result['at']}" if result.get("at") else ""
    print(f"restored {result['source']}{state}: {result['events']} events")
    if result.get("safety_backup"):
        print(f"the database before the restore is saved as {result['safety_backup']}")


def _restore_compose(file: str, at: str | None) -> dict[str, Any]:
    from organizer.ops.compose import ComposeRuntime

    rt: ComposeRuntime = build_runtime("compose")
    with context.errors_to_exit():
        drill = rt.organizer("backup", "verify", file, timeout=120)
        if not drill["ok"]:
            raise context.fail(f"{file} failed its restore drill ({drill['reason']}); "
                               "nothing was changed", code=1)
        rt.target.compose("stop", *WRITERS, timeout=120)
        try:
            out = rt.target.compose("run", "--rm", "--no-deps", "-T", "migrate", "backup",
                                    "restore", file, *(["--at", at] if at else []),
                                    "--runtime", "local", "--force", "--json", timeout=300)
        finally:
            rt.target.compose("start", *WRITERS, timeout=120)
    import json

    result: dict[str, Any] = json.loads(out)
    return result


def _refuse_if_alive(settings: Any) -> None:
    from organizer.ops.local import STALE_AFTER_S
    from organizer.ops.probe import schema_facts

    beats = schema_facts(settings).get("heartbeats") or {}
    alive = sorted(d for d, b in beats.items() if b["age_s"] < STALE_AFTER_S)
    if alive:
        raise context.fail(f"{', '.join(alive)} wrote a heartbeat in the last "
                           f"{STALE_AFTER_S:.0f} s: stop `organizer run` first (or --force)")


def register(app: typer.Typer) -> None:
    app.add_typer(backup_app, name="backup")
