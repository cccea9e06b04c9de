"""Database commands: projections, events tail, config show (migrate: migrate_cmds)."""

from __future__ import annotations

from typing import Any

import typer

from organizer.cli import context

projections_app = typer.Typer(help="Rebuild or verify the projections from the event log.",
                              no_args_is_help=True)
events_app = typer.Typer(help="Read the event log.", no_args_is_help=True)
config_app = typer.Typer(help="Show the configuration (never a secret's value).",
                         no_args_is_help=True)


def _open() -> Any:
    from organizer.bootstrap import bootstrap

    return bootstrap(context.settings()).database()


@projections_app.command("rebuild")
def rebuild() -> None:
    """Replay the event log into fresh tables and swap them in atomically.

    Example: organizer projections rebuild
    """
    from organizer.store.rebuild import rebuild as do_rebuild

    with context.errors_to_exit():
        report = do_rebuild(_open())
    rows = ", ".join(f"{table} {count}" for table, count in report.rows.items())
    print(f"rebuilt from {report.events} events: {rows}")


@projections_app.command("verify")
def verify(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Rebuild aside and compare with the live tables; exit 1 on any difference.

    Example: organizer projections verify
    """
    from organizer.store.rebuild import verify as do_verify

    with context.errors_to_exit():
        report = do_verify(_open())
    if as_json:
        context.print_json({"events": report.events, "rows": report.rows,
                            "differences": [d.describe() for d in report.differences]})
    else:
        for difference in report.differences[:50]:
            print(difference.describe())
        verdict = "OK" if not report.differences else f"{len(report.differences)} differences"
        print(f"projections verify: {verdict} ({report.events} events)")
    if report.differences:
        raise typer.Exit(1)


@events_app.command("tail")
def tail(n: int = typer.Option(20, "-n", help="How many events.", min=1, max=100_000),
         as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Show the last N events of the log.

    Example: organizer events tail -n 50 --json
    """
    import msgspec

    from organizer.store.events import EventStore

    with context.errors_to_exit():
        events = EventStore(_open()).tail(n)
    rows = [{"position": s.position, "stream": s.stream, "version": s.version, "type": s.type,
             "owner": s.owner, "recorded_at": s.recorded_at,
             "data": msgspec.to_builtins(s.event), "meta": s.meta} for s in events]
    if as_json:
        context.print_json(rows)
        return
    context.print_table(None, ["pos", "at", "type", "stream", "data"], [
        (r["position"], r["recorded_at"][:19], r["type"], r["stream"],
         ", ".join(f"{k}={v}" for k, v in r["data"].items() if k not in ("type",))[:80])
        for r in rows
    ])


@config_app.command("show")
def show(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List every setting and whether it is set; secrets only say "set".

    Example: organizer --env-file .env.prod config show
    """
    from organizer.settings import describe, exposed_host_warning, merged_environment

    with context.errors_to_exit():
        settings = context.settings()  # validate first: a bad value is reported, exit 2
        env = merged_environment(env_file=context.env_file())
    rows = describe(env)
    warning = exposed_host_warning(settings.api_host)
    if warning:
        context.warn(warning)
    if as_json:
        context.print_json([{"key": k, "set": s, "value": v} for k, s, v in rows])
        return
    context.print_table(None, ["key", "set", "value"],
                        [(k, "yes" if s else "no", v) for k, s, v in rows])


def register(app: typer.Typer) -> None:
    app.add_typer(projections_app, name="projections")
    app.add_typer(events_app, name="events")
    app.add_typer(config_app, name="config")
